import Admit
import AdmitBenchmarkSupport
import AdmitDomain
import AdmitStore
import Benchmark
import Foundation

// Appending decision rows to the hash-chained audit log (`Store.append` inside `store.write {}`) on
// a temporary file database in WAL mode, as `admit check` and the service do. Every iteration
// appends the same number of rows (10,000) in transactions of 1, 100, 1,000 or 10,000 rows, so the
// figures compare directly; `rows/s` is measured around each iteration.

/// Rows appended per benchmark iteration, whatever the transaction size.
let rowsPerIteration = 10_000

/// Logged rows per second, measured per iteration.
let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)

/// A store on a scratch file with the batches to append, prepared before measuring.
final class AppendFixture: @unchecked Sendable {
    let directory: String
    let store: Store
    let batches: [[DecisionRecord]]

    init(batchSize: Int) {
        directory = Repository.scratchDirectory("append-\(batchSize)")
        let rows = DecisionRows.rows(rowsPerIteration, templates: DecisionRows.templates())
        batches = stride(from: 0, to: rows.count, by: batchSize).map { Array(rows[$0..<min($0 + batchSize, rows.count)]) }
        do { store = try Store(path: directory + "/audit.sqlite") } catch { fatalError("cannot create the store: \(error)") }
    }

    func close() {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// An `Admission` on a seeded scratch database, for `check` as a whole (in-process).
final class CheckFixture: @unchecked Sendable {
    let directory: String
    let admission: Admission
    var count: Int64 = 0

    init() {
        directory = Repository.scratchDirectory("check")
        admission = DecisionRows.admission(in: directory, at: Instant.at("2020-11-15T10:00:00+01:00"))
    }

    func close() {
        admission.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .writeSyscalls, .writeBytesLogical, rowsPerSecond],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 200)

    for batchSize in [1, 100, 1_000, 10_000] {
        nonisolated(unsafe) var fixture: AppendFixture?
        Benchmark("append, \(batchSize) rows per transaction") { benchmark in
            guard let fixture else { fatalError("no fixture") }
            let store = fixture.store
            let started = ContinuousClock.now
            for batch in fixture.batches {
                do { _ = try store.write { try store.append(batch) } } catch { fatalError("append failed: \(error)") }
            }
            let elapsed = ContinuousClock.now - started
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            benchmark.measurement(rowsPerSecond, Int(Double(rowsPerIteration) * 1e9 / nanoseconds))
        } setup: {
            fixture = AppendFixture(batchSize: batchSize)
        } teardown: {
            fixture?.close()
            fixture = nil
        }
    }

    // One `admit check` in-process: the user's latest state from SQLite, the decision's code and its
    // words, and a one-row transaction appending it. What a process without facts in memory pays.
    nonisolated(unsafe) var check: CheckFixture?
    Benchmark(
        "check in-process (state row + code + words + 1-row transaction)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 100,
            maxDuration: .seconds(5), maxIterations: 1_000_000)
    ) { benchmark in
        guard let check else { fatalError("no fixture") }
        let users = ["ada@example.org", "ben@example.org", "cleo@example.org", "dan@example.org"]
        let start = Instant.at("2020-11-01T00:00:00+01:00").millisecondsSinceEpoch
        check.count += 1
        let at = Instant(millisecondsSinceEpoch: start + (check.count * 7_919_000) % (60 * 86_400_000))
        do {
            blackHole(try check.admission.check(user: users[Int(check.count % 4)], lecture: "idor-2020-07", at: at))
        } catch {
            fatalError("check failed: \(error)")
        }
    } setup: {
        check = CheckFixture()
    } teardown: {
        check?.close()
        check = nil
    }
}
