// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Admit",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "AdmitDomain", swiftSettings: swiftSettings),
        .target(name: "AdmitRules", dependencies: ["AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitDomainTests", dependencies: ["AdmitDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "AdmitRulesTests", dependencies: ["AdmitRules", "AdmitDomain"], swiftSettings: swiftSettings),
    ]
)
