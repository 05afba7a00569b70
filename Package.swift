// swift-tools-version: 6.1
import PackageDescription

// Layers follow ARCHITECTURE.md: imports flow downward only.
// 0 PetrelCore · 1 Codecs, KafkaProtocol, KafkaClient · 2 LogStorage, TSDB, PromQL · 3 Broker, Pipeline · 4 PetrelServer · 5 petrel
let package = Package(
    name: "Petrel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "petrel", targets: ["petrel"]),
        // Libraries for the benchmark packages under Benchmarks/ and scripts/bench/.
        .library(name: "PetrelCodecs", targets: ["Codecs"]),
        .library(name: "PetrelTSDB", targets: ["TSDB"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // Kafka's snappy, lz4 and zstd record batch codecs (Debian's libsnappy-dev, liblz4-dev, libzstd-dev).
        .systemLibrary(name: "CCompression", path: "Sources/CCompression",
                       providers: [.apt(["libsnappy-dev", "liblz4-dev", "libzstd-dev"])]),
        // The CPU's CRC-32C instruction (SSE4.2 / ARMv8 CRC32) behind a runtime check.
        .target(name: "CCRC32C"),
        .target(name: "PetrelCore", dependencies: [
            "CZlib", "CCRC32C",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "Codecs", dependencies: ["PetrelCore", "CCompression"]),
        .target(name: "LogStorage", dependencies: [
            "PetrelCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "TSDB", dependencies: [
            "PetrelCore", "LogStorage",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "PromQL", dependencies: ["PetrelCore"]),
        .target(name: "KafkaProtocol", dependencies: [
            "PetrelCore", "CCompression",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "KafkaClient", dependencies: ["PetrelCore", "CRdKafka"]),
        .target(name: "Broker", dependencies: [
            "PetrelCore", "KafkaProtocol", "LogStorage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "Pipeline", dependencies: [
            "PetrelCore", "Codecs", "LogStorage", "KafkaClient",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "PetrelServer", dependencies: [
            "PetrelCore", "Codecs", "LogStorage", "TSDB", "PromQL", "KafkaProtocol", "Broker", "Pipeline",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "petrel", dependencies: [
            "PetrelServer", "KafkaClient",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PetrelCoreTests", dependencies: ["PetrelCore"]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "LogStorageTests", dependencies: ["LogStorage"]),
        .testTarget(name: "TSDBTests", dependencies: ["TSDB"]),
        .testTarget(name: "PromQLTests", dependencies: ["PromQL"]),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol"]),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient"]),
        .testTarget(name: "BrokerTests", dependencies: ["Broker", "KafkaProtocol", "LogStorage"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Codecs", "LogStorage", "PetrelCore"]),
        .testTarget(name: "PetrelServerTests", dependencies: [
            "PetrelServer",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
