// swift-tools-version: 6.1
import PackageDescription

/// Admit's benchmarks, kept in their own package so that the main `swift build` and `swift test`
/// never fetch or build the benchmark harness. Run from this folder:
///
///     swift package --disable-sandbox benchmark
///
/// See BENCHMARKS.md at the repository root for the figures and the exact commands.
let package = Package(
    name: "AdmitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Admit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Population, requests and decision rows shared by the benchmarks and the profiling driver.
        .target(name: "AdmitBenchmarkSupport", dependencies: [.product(name: "Admit", package: "Admit")]),
        // The benchmarked loops as a plain executable, for callgrind and perf.
        .executableTarget(name: "Profile", dependencies: ["AdmitBenchmarkSupport"]),
        // The decision log on PostgreSQL beside SQLite (Benchmarks/postgres-log.sh starts a server).
        .executableTarget(
            name: "PostgresLog",
            dependencies: [
                "AdmitBenchmarkSupport",
                .product(name: "AdmitPostgres", package: "Admit"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // A replica's hot path (decide, log, answer after commit) on PostgreSQL beside SQLite
        // (Benchmarks/postgres-replica.sh starts a server).
        .executableTarget(
            name: "PostgresReplica",
            dependencies: [
                "AdmitBenchmarkSupport",
                .product(name: "AdmitPostgres", package: "Admit"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "Evaluator",
            dependencies: [
                "AdmitBenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Evaluator",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "AuditLog",
            dependencies: [
                "AdmitBenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AuditLog",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
