import AdmitBenchmarkSupport
import AdmitDomain
import AdmitRules
import AdmitStore
import Foundation

// A plain executable running one of the benchmarked loops, for profilers (callgrind, perf) that
// cannot attach to the benchmark harness usefully. It prints the time per operation as a cross-check.
//
//     Profile decide|interned|explain|lookups USERS DECISIONS
//     Profile append BATCH ROWS

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, arguments.count == 3, let a = Int(arguments[arguments.startIndex + 1]),
    let b = Int(arguments[arguments.startIndex + 2])
else {
    let usage = "usage: Profile decide|interned|explain|lookups USERS DECISIONS | Profile append BATCH ROWS\n"
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

func report(_ operations: Int, _ elapsed: Duration, _ unit: String) {
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let each = String(format: "%.1f", nanoseconds / Double(operations))
    print("\(mode): \(operations) \(unit) in \(elapsed): \(each) ns each, \(Int(Double(operations) * 1e9 / nanoseconds)) per second")
}

if mode == "append" {
    let directory = Repository.scratchDirectory("profile-append")
    let rows = DecisionRows.rows(b, templates: DecisionRows.templates())
    let store = try Store(path: directory + "/audit.sqlite")
    let batches = stride(from: 0, to: rows.count, by: a).map { Array(rows[$0..<min($0 + a, rows.count)]) }
    let started = ContinuousClock.now
    for batch in batches {
        _ = try store.write { try store.append(batch) }
    }
    report(rows.count, ContinuousClock.now - started, "rows")
    store.close()
    try? FileManager.default.removeItem(atPath: directory)  // `exit` skips `defer`
    exit(0)
}

let fixture = DecisionFixture(users: a)
let policy = fixture.policy
let catalog = fixture.catalog
let byID = fixture.population.byID
let dense = fixture.population.dense
let lectures = fixture.lectures
let queries = fixture.queries
let mask = fixture.mask
var allowed = 0
let started = ContinuousClock.now
switch mode {
case "decide":
    for i in 0..<b {
        let query = queries[i & mask]
        guard let facts = byID[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
        if policy.decide(.open(lecture, at: query.at), facts: facts).effect == .allow { allowed += 1 }
    }
case "interned":
    for i in 0..<b {
        let query = queries[i & mask]
        let lecture = lectures[Int(query.lectureIndex)]
        if policy.decide(.open(lecture, at: query.at), facts: dense[Int(query.userIndex)]).effect == .allow { allowed += 1 }
    }
case "explain":
    for i in 0..<b {
        let query = queries[i & mask]
        guard let facts = byID[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
        if policy.explain(.open(lecture, at: query.at), facts: facts).effect == .allow { allowed += 1 }
    }
case "lookups":
    for i in 0..<b {
        let query = queries[i & mask]
        guard let facts = byID[query.user], let lecture = catalog.lecture(query.lecture) else { fatalError("unknown id") }
        if facts.account == .active, lecture.position > 0 { allowed += 1 }
    }
default:
    FileHandle.standardError.write(Data("unknown mode '\(mode)'\n".utf8))
    exit(2)
}
report(b, ContinuousClock.now - started, "decisions")
print("allowed: \(allowed)")
