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
        .library(name: "Admit", targets: ["Admit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        // Use cases.
        .target(
            name: "Admit",
            dependencies: [
                "AdmitDomain", "AdmitRules", "AdmitStore", "AdmitJSON", "AdmitCSV",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // Fronts.
        .executableTarget(
            name: "AdmitCLI",
            dependencies: ["Admit", "AdmitDomain", "AdmitRules", "AdmitJSON", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),

        .testTarget(name: "AdmitDomainTests", dependencies: ["AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitRulesTests", dependencies: ["AdmitRules", "AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AdmitTests", dependencies: ["Admit", "AdmitDomain", "AdmitStore", "AdmitJSON", "AdmitCSV", "SQLite"],
            swiftSettings: swiftSettings),
        .testTarget(name: "AdmitCLITests", dependencies: ["AdmitJSON", "AdmitCLI"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitStoreTests", dependencies: ["AdmitStore", "AdmitDomain", "SQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "CSQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitCSVTests", dependencies: ["AdmitCSV"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitJSONTests", dependencies: ["AdmitJSON"], swiftSettings: swiftSettings),
    ]
)
