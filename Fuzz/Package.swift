// swift-tools-version: 6.1
// Coverage-guided fuzzing of everything that reads outside input (libFuzzer, in the toolchain).
// Not part of the main build: Fuzz/run.sh builds it with -sanitize=fuzzer,address.
import PackageDescription

let package = Package(
    name: "AdmitFuzz",
    dependencies: [.package(name: "Admit", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzPolicy",
            dependencies: [.product(name: "AdmitRules", package: "Admit"), .product(name: "AdmitDomain", package: "Admit")]),
        .executableTarget(name: "FuzzJSON", dependencies: [.product(name: "AdmitJSON", package: "Admit")]),
        .executableTarget(name: "FuzzCSV", dependencies: [.product(name: "AdmitCSV", package: "Admit")]),
        .executableTarget(
            name: "FuzzRegister",
            dependencies: [.product(name: "Admit", package: "Admit"), .product(name: "AdmitCSV", package: "Admit")]),
        .executableTarget(
            name: "FuzzService",
            dependencies: [.product(name: "AdmitService", package: "Admit"), .product(name: "Admit", package: "Admit")]),
    ]
)
