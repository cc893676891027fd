import Admit
import AdmitBenchmarkSupport
import AdmitDomain
import AdmitJSON
import AdmitPostgres
import AdmitRules
import AdmitStore
import Foundation
import Logging

// A replica's hot path on PostgreSQL beside SQLite: checks decided by the policy engine on the
// 100,000-user population of issue 7 (facts in memory, random users, lectures and instants) and
// logged in committed batches, each batch's answers counted only once its batch has committed.
//
//   PostgresReplica URL [CHECKS [DB REQUESTS]]   (Benchmarks/postgres-replica.sh starts a
//                                                 throw-away cluster and makes DB and REQUESTS)
//
// SQLite: decide a batch, then `Store.append` it in one write transaction (what `admit serve`
// does today). PostgreSQL: decide batch k+1 while batch k commits (`PostgresStore.append`, one
// multi-row insert per batch), by one writer, then by two writers at once, each with its own
// connection, chain and half of the requests (two replicas in one process: they share the
// machine's two cores with each other and with the server). Not included: reading requests and
// writing replies (JSON over stdio or TCP), loading the facts from PostgreSQL, and the
// Admission wrapper; so these are a ceiling for a replica, not its rate. Printed: checks per
// second and the ratio to SQLite at the same batch size.
//
// Given DB (a database of the population, as Benchmarks/transport.sh makes it) and REQUESTS (its
// JSON-RPC `check` lines, parsed before the clock starts), the same again through `Admission`,
// the service's own path without its transport: users resolved by address, answers rendered;
// facts held in memory as `admit serve` holds them; SQLite: `Admission.check` (decide, then
// append to the database's log); PostgreSQL:
// `Admission.decide`, `PostgresStore.append` of its records, then `DecidedChecks.logged(as:)`,
// the next batch decided while one commits, one writer.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let url = try? PostgresURL(parsing: arguments[1], environment: ProcessInfo.processInfo.environment) else {
    FileHandle.standardError.write(Data("usage: PostgresReplica postgresql://USER:PASS@HOST:PORT/DB [CHECKS]\n".utf8))
    exit(2)
}
let total = arguments.count >= 3 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
var logger = Logger(label: "bench")
logger.logLevel = .error

let fixture = DecisionFixture(users: 100_000)
let policyHash = DecisionRows.templates()[0].policyHash
let recordedAt = Instant.at("2020-11-15T10:00:00+01:00")

/// Decides the requests at `range` (indices into the fixture's requests, wrapping) and makes
/// their log rows, as `Admission.check` does.
func decide(_ range: Range<Int>, actor: String) -> [DecisionRecord] {
    var records: [DecisionRecord] = []
    records.reserveCapacity(range.count)
    for position in range {
        let query = fixture.queries[position & fixture.mask]
        let facts = fixture.population.dense[Int(query.userIndex)]
        let lecture = fixture.lectures[Int(query.lectureIndex)]
        let code = fixture.policy.explanation(AccessRequest.open(lecture, at: query.at), facts: facts)
        records.append(
            DecisionRecord(
                recordedAt: recordedAt, actor: actor, user: query.user, factsVersion: 1, lecture: lecture.id, at: query.at,
                effect: code.effect, policyHash: policyHash, code: code.bytes))
    }
    return records
}

func report(_ what: String, checks: Int, seconds: Double, against base: Double? = nil) {
    let rate = Double(checks) / seconds
    print(
        what.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%10.0f checks/s  %7.2f s", rate, seconds)
            + (base.map { String(format: "  %.2fx SQLite", rate / $0) } ?? ""))
}

/// One writer's share: decide a batch while the one before commits; returns the checks answered.
func replica(_ store: PostgresStore, writer: PostgresWriter, requests: Range<Int>, batch: Int) async throws -> Int {
    var answered = 0
    var pending: (task: Task<[Int64], any Error>, count: Int)?
    for start in stride(from: requests.lowerBound, to: requests.upperBound, by: batch) {
        let records = decide(start..<min(start + batch, requests.upperBound), actor: "service:\(writer.name)")
        if let (task, count) = pending {
            let seqs = try await task.value
            precondition(seqs.count == count)
            answered += count  // the replies of that batch go out now, after its commit
        }
        pending = (Task { try await store.append(records, writer: writer) }, records.count)
    }
    if let (task, count) = pending {
        _ = try await task.value
        answered += count
    }
    return answered
}

print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(total) checks per run; 100,000 users")
let engineOnly = await seconds { _ = decide(0..<total, actor: "service:bench") }
report("engine alone, no log", checks: total, seconds: engineOnly)
for batch in [1_000, 10_000] {
    let directory = Repository.scratchDirectory("replica-sqlite-\(batch)")
    let store = try Store(path: directory + "/audit.sqlite")
    let sqlite = try await seconds {
        for start in stride(from: 0, to: total, by: batch) {
            let records = decide(start..<min(start + batch, total), actor: "service:bench")
            _ = try store.write { try store.append(records) }
        }
    }
    store.close()
    try? FileManager.default.removeItem(atPath: directory)
    report("SQLite       batch \(batch)", checks: total, seconds: sqlite)
    let base = Double(total) / sqlite

    for writers in [1, 2] {
        let stores = try await (0..<writers).asyncMap { _ in try await PostgresStore.open(url, logger: logger) }
        let ids = try await stores.enumerated().asyncMap { index, store in
            try await store.registerWriter(name: "replica-\(batch)-\(writers)-\(index)-\(UUID())", at: recordedAt)
        }
        let share = total / writers
        var answered = 0
        let elapsed = try await seconds {
            answered = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<writers {
                    let (store, writer) = (stores[index], ids[index])
                    group.addTask {
                        try await replica(store, writer: writer, requests: (index * share)..<((index + 1) * share), batch: batch)
                    }
                }
                var sum = 0
                for try await count in group { sum += count }
                return sum
            }
        }
        for (store, writer) in zip(stores, ids) {
            let chain = try await store.verifyChain(of: writer)
            precondition(chain.problem == nil, "the chain of \(writer.name) does not verify: \(String(describing: chain.problem))")
        }
        for store in stores { await store.close() }
        report(
            "PostgreSQL   batch \(batch), \(writers) writer\(writers == 1 ? "" : "s")", checks: answered, seconds: elapsed, against: base)
    }
}

if arguments.count >= 5 {
    let (database, requestsPath) = (arguments[3], arguments[4])
    let requests: [CheckRequest]
    do {
        let text = try String(contentsOfFile: requestsPath, encoding: .utf8)
        requests = try text.split(separator: "\n").prefix(total).map { line in
            let params = try JSONParser.parse(Array(line.utf8))["params"]
            guard let user = params?["user"]?.stringValue, let lecture = params?["lecture"]?.stringValue,
                let at = params?["at"]?.stringValue
            else { fatalError("not a check request: \(line)") }
            return CheckRequest(user: user, lecture: lecture, at: Instant.at(at))
        }
    } catch {
        fatalError("cannot read \(requestsPath): \(error)")
    }
    let configuration = AdmitConfiguration(
        databasePath: database, seedsDirectory: Repository.root + "/Seeds", policyPaths: [Repository.root + "/Policies"],
        policyPathsGiven: true, actor: "bench")
    let admission = try Admission(configuration: configuration, clock: FixedClock(recordedAt))
    defer { admission.close() }
    // As `admit serve` does: every user's facts in memory, no SQL on a check.
    let held = try admission.holdFactsInMemory()
    print("through Admission: \(requests.count) checks from \(requestsPath); \(held.users) users' facts in memory")
    for batch in [1_000, 10_000] {
        var failed = 0
        let sqlite = await seconds {
            for start in stride(from: 0, to: requests.count, by: batch) {
                let answers = admission.check(Array(requests[start..<min(start + batch, requests.count)]), actor: "service:bench")
                failed += answers.count { if case .failure = $0 { true } else { false } }
            }
        }
        precondition(failed == 0, "\(failed) checks failed on SQLite")
        report("Admission, SQLite      batch \(batch)", checks: requests.count, seconds: sqlite)
        let store = try await PostgresStore.open(url, logger: logger)
        let writer = try await store.registerWriter(name: "admission-\(batch)-\(UUID())", at: recordedAt)
        var answered = 0
        let elapsed = try await seconds {
            var pending: (task: Task<[Int64], any Error>, decided: DecidedChecks)?
            for start in stride(from: 0, to: requests.count, by: batch) {
                let decided = admission.decide(Array(requests[start..<min(start + batch, requests.count)]), actor: "service:bench")
                if let (task, previous) = pending {
                    answered += previous.logged(as: try await task.value).count { if case .success = $0 { true } else { false } }
                }
                let records = decided.records
                pending = (Task { try await store.append(records, writer: writer) }, decided)
            }
            if let (task, previous) = pending {
                answered += previous.logged(as: try await task.value).count { if case .success = $0 { true } else { false } }
            }
        }
        precondition(answered == requests.count, "\(requests.count - answered) checks failed on PostgreSQL")
        let chain = try await store.verifyChain(of: writer)
        precondition(chain.problem == nil, "the chain of \(writer.name) does not verify")
        await store.close()
        report(
            "Admission, PostgreSQL  batch \(batch), 1 writer", checks: answered, seconds: elapsed,
            against: Double(requests.count) / sqlite)
    }
}
