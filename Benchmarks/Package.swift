// swift-tools-version: 6.1
// Benchmarks live in their own package so that building and testing Petrel
// never builds them. Run from this directory: `swift package benchmark`.
import PackageDescription

let package = Package(
    name: "PetrelBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Petrel", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LineProtocol",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PetrelCodecs", package: "Petrel"),
            ],
            path: "LineProtocol",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
