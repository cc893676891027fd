// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Admit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "admit", targets: ["AdmitCLI"]),
        .executable(name: "admit-load", targets: ["AdmitLoad"]),
        .library(name: "Admit", targets: ["Admit"]),
        // For Fuzz/ (and other programs built on Admit's layers).
        .library(name: "AdmitDomain", targets: ["AdmitDomain"]),
        .library(name: "AdmitRules", targets: ["AdmitRules"]),
        .library(name: "AdmitJSON", targets: ["AdmitJSON"]),
        .library(name: "AdmitCSV", targets: ["AdmitCSV"]),
        .library(name: "AdmitService", targets: ["AdmitService"]),
        // For Benchmarks/ (the PostgreSQL decision log's figures).
        .library(name: "AdmitPostgres", targets: ["AdmitPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Pure layers: no I/O, no clock.
        .target(name: "AdmitDomain", swiftSettings: swiftSettings),
        .target(name: "AdmitRules", dependencies: ["AdmitDomain"], swiftSettings: swiftSettings),
        // Formats.
        .target(name: "AdmitJSON", swiftSettings: swiftSettings),
        .target(name: "AdmitCSV", swiftSettings: swiftSettings),
        // The store: the only SQL.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),
        .target(
            name: "AdmitStore",
            dependencies: ["AdmitDomain", "SQLite", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // The PostgreSQL store (issue 11): connection, errors, migrations, the decision log with one
        // hash chain per writer (AdmitStore's row hashing). Not yet used by Admit.
        .target(
            name: "AdmitPostgres",
            dependencies: [
                "AdmitDomain", "AdmitStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // Use cases.
        .target(
            name: "Admit",
            dependencies: [
                "AdmitDomain", "AdmitRules", "AdmitStore", "AdmitPostgres", "AdmitJSON", "AdmitCSV",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings),
        // Fronts.
        .target(
            name: "AdmitService",
            dependencies: [
                "Admit", "AdmitDomain", "AdmitJSON", "AdmitRules",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "AdmitCLI",
            dependencies: [
                "Admit", "AdmitDomain", "AdmitRules", "AdmitJSON", "AdmitService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The service's load generator (BENCHMARKS.md, "Service"): no dependency on Admit at all.
        .executableTarget(name: "AdmitLoad", swiftSettings: swiftSettings),

        .testTarget(name: "AdmitDomainTests", dependencies: ["AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitRulesTests", dependencies: ["AdmitRules", "AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmitTests",
            dependencies: [
                "Admit", "AdmitDomain", "AdmitRules", "AdmitStore", "AdmitJSON", "AdmitCSV", "AdmitTestSupport", "SQLite",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings),
        // What the tests on both stores share: the tests' PostgreSQL server, a new database of either kind.
        .target(
            name: "AdmitTestSupport",
            dependencies: [
                "AdmitPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AdmitTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmitServiceTests",
            dependencies: [
                "AdmitService", "Admit", "AdmitDomain", "AdmitStore", "AdmitJSON", "AdmitCSV", "AdmitTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "AdmitCLITests", dependencies: ["AdmitJSON", "AdmitCLI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmitStoreTests",
            dependencies: [
                "AdmitStore", "AdmitDomain", "SQLite", "AdmitPostgres", "AdmitTestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmitPostgresTests",
            dependencies: [
                "AdmitPostgres", "Admit", "AdmitCSV", "AdmitDomain", "AdmitJSON", "AdmitService", "AdmitStore", "AdmitTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "CSQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitCSVTests", dependencies: ["AdmitCSV"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitJSONTests", dependencies: ["AdmitJSON"], swiftSettings: swiftSettings),
    ]
)
