// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Release builds skip the run-time exclusivity checks (the compile-time ones stay): they cost
    // about 7 % of a bulk load's CPU (docs/benchmarks.md). Debug builds, and so the tests, keep them.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Rastro",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rastro", targets: ["rastro"]),
        .library(name: "RastroModel", targets: ["RastroModel"]),
        .library(name: "RastroStore", targets: ["RastroStore"]),
        .library(name: "RastroIngest", targets: ["RastroIngest"]),
        .library(name: "RastroSim", targets: ["RastroSim"]),
        .library(name: "RastroResolve", targets: ["RastroResolve"]),
        .library(name: "RastroAnalysis", targets: ["RastroAnalysis"]),
        .library(name: "RastroShare", targets: ["RastroShare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "RastroModel",
            resources: [.copy("Resources/chemicals.json"), .copy("Resources/countries.json"), .copy("Resources/reasons.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RastroStore",
            dependencies: [
                "RastroModel", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RastroIngest",
            dependencies: ["RastroModel", "RastroStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RastroResolve",
            dependencies: ["RastroModel", "RastroStore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rastro-er-bench",
            dependencies: ["RastroResolve"],
            path: "Benchmarks/ERBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rastro-read-bench",
            dependencies: ["RastroStore", "RastroModel"],
            path: "Benchmarks/ReadBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rastro-taxii-bench",
            dependencies: ["RastroStore", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Benchmarks/TAXIIBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RastroAnalysis",
            dependencies: ["RastroModel", "RastroStore", "RastroResolve"],
            swiftSettings: swiftSettings),
        .target(
            name: "RastroShare",
            dependencies: [
                "RastroModel", "RastroStore", "RastroIngest", "RastroAnalysis",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "RastroServer",
            dependencies: [
                "RastroModel", "RastroStore", "RastroShare", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Web")],
            swiftSettings: swiftSettings),
        .target(
            name: "RastroSim",
            dependencies: ["RastroModel"],
            resources: [.copy("Resources/geo")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rastro",
            dependencies: [
                "RastroModel", "RastroStore", "RastroIngest", "RastroSim", "RastroResolve", "RastroAnalysis", "RastroShare", "RastroServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RastroTesting",
            dependencies: ["RastroModel", "RastroStore", "RastroIngest", "RastroSim"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RastroModelTests", dependencies: ["RastroModel"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroIngestTests", dependencies: ["RastroIngest", "RastroTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroStoreTests", dependencies: ["RastroStore", "RastroIngest", "RastroTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroResolveTests", dependencies: ["RastroResolve", "RastroSim", "RastroIngest", "RastroTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroAnalysisTests", dependencies: ["RastroAnalysis", "RastroSim", "RastroIngest", "RastroTesting"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "RastroShareTests", dependencies: ["RastroShare", "RastroIngest", "RastroTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroServerTests", dependencies: ["RastroServer", "RastroShare", "RastroIngest", "RastroTesting",
                                                              .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                              .product(name: "NIOHTTP1", package: "swift-nio"),
                                                              .product(name: "Hummingbird", package: "hummingbird"),
                                                              .product(name: "HTTPTypes", package: "swift-http-types")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "RastroSimTests", dependencies: ["RastroSim", "RastroIngest", "RastroTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "RastroCLITests", dependencies: ["RastroStore", "RastroTesting"], exclude: ["Snapshots"], swiftSettings: swiftSettings),
    ]
)
