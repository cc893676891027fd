import AdmitBenchmarkSupport
import AdmitDomain
import AdmitPostgres
import AdmitStore
import Foundation
import Logging

// The decision log on PostgreSQL beside SQLite, in one run (BENCHMARKS.md, "Decision log on
// PostgreSQL"; Docs/scaling.md's capacity plan reads these figures).
//
//   PostgresLog URL [ROWS]     (Benchmarks/postgres-log.sh starts a throw-away cluster and runs it)
//
// For each batch size, ROWS realistic decision rows (default 200,000) are appended in committed
// transactions of that many rows: on SQLite through `Store.append` inside `write` (WAL, as the
// service does), on PostgreSQL through `PostgresStore.append` (one multi-row insert per batch)
// by 1 and by 2 writers at once, each on its own connection and chain. Printed: rows per second,
// and for PostgreSQL the table's bytes and the WAL's bytes per row.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let url = try? PostgresURL(parsing: arguments[1], environment: ProcessInfo.processInfo.environment) else {
    FileHandle.standardError.write(Data("usage: PostgresLog postgresql://USER:PASS@HOST:PORT/DB [ROWS]\n".utf8))
    exit(2)
}
let total = arguments.count >= 3 ? Int(arguments[2]) ?? 200_000 : 200_000
var logger = Logger(label: "bench")
logger.logLevel = .error
let templates = DecisionRows.templates()
let rows = DecisionRows.rows(total, templates: templates)

func batches(_ rows: ArraySlice<DecisionRecord>, of size: Int) -> [[DecisionRecord]] {
    stride(from: rows.startIndex, to: rows.endIndex, by: size).map { Array(rows[$0..<min($0 + size, rows.endIndex)]) }
}

func report(_ what: String, rows: Int, seconds: Double, extra: String = "") {
    print(
        what.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%10.0f rows/s  %7.2f s", Double(rows) / seconds, seconds) + (extra.isEmpty ? "" : "  " + extra))
}

print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(total) rows per run")
for batch in [100, 1_000, 10_000] {
    // SQLite, one connection, WAL.
    let directory = Repository.scratchDirectory("pglog-sqlite-\(batch)")
    let store = try Store(path: directory + "/audit.sqlite")
    let sqlite = try await seconds {
        for chunk in batches(rows[...], of: batch) { try store.write { try store.append(chunk) } }
    }
    store.close()
    try? FileManager.default.removeItem(atPath: directory)
    report("SQLite       batch \(batch)", rows: total, seconds: sqlite)

    for writers in [1, 2] {
        let setup = try await PostgresStore.open(url, logger: logger)
        let before = try await setup.storageFigures()
        let stores = try await (0..<writers).asyncMap { _ in try await PostgresStore.open(url, logger: logger) }
        let ids = try await stores.enumerated().asyncMap { index, store in
            try await store.registerWriter(name: "bench-\(batch)-\(writers)-\(index)-\(UUID())", at: Instant(millisecondsSinceEpoch: 0))
        }
        let share = total / writers
        let elapsed = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<writers {
                    let store = stores[index]
                    let writer = ids[index]
                    let mine = rows[(index * share)..<((index + 1) * share)]
                    group.addTask {
                        for chunk in batches(mine, of: batch) { try await store.append(chunk, writer: writer) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let after = try await setup.storageFigures()
        for store in stores { await store.close() }
        await setup.close()
        let written = share * writers
        report(
            "PostgreSQL   batch \(batch), \(writers) writer\(writers == 1 ? "" : "s")", rows: written, seconds: elapsed,
            extra: String(
                format: "%.2fx SQLite  table %.0f B/row  WAL %.0f B/row", Double(written) / elapsed / (Double(total) / sqlite),
                Double(after.decisionBytes - before.decisionBytes) / Double(written),
                Double(after.walPosition - before.walPosition) / Double(written)))
    }
}
