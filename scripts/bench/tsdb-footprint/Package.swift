// swift-tools-version: 6.1
import PackageDescription

// Measures the TSDB's bytes on disk per sample and head memory per series.
// Run from this folder: swift run -c release tsdb-footprint
let package = Package(
    name: "tsdb-footprint",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Petrel", path: "../../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(name: "tsdb-footprint", dependencies: [
            .product(name: "PetrelTSDB", package: "Petrel"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
