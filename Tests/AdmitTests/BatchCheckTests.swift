import Admit
import AdmitDomain
import AdmitJSON
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

/// `Admission.check(_:)`: many decisions, one transaction, the same answers as one by one; and
/// the cache of facts stays true when another connection writes.
@Suite struct BatchCheckTests {
    @Test func aBatchDecidesLikeSingleChecksAndLogsInRequestOrder() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let requests = [
            CheckRequest(user: "ada@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00")),
            CheckRequest(user: "nobody@example.org", lecture: "idor-2020-07"),
            CheckRequest(user: "ben@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T10:00:00+01:00")),
            CheckRequest(user: "ada@example.org", lecture: "idor-2020-99"),
            CheckRequest(user: "1", lecture: "idor-2020-07", at: instant("2020-11-21T00:00:00+01:00")),
        ]
        let head = try admission.store.auditCount()
        let results = admission.check(requests, actor: "batch-test")
        #expect(results.count == 5)
        let outcomes = results.compactMap { try? $0.get() }
        #expect(outcomes.map(\.auditSeq) == [head + 1, head + 2, head + 3])
        #expect(outcomes.map(\.decision.effect) == [.allow, .deny, .deny])
        #expect((try? results[1].get()) == nil && (try? results[3].get()) == nil)
        let fresh = try workspace.open()
        for (request, outcome) in zip([requests[0], requests[2], requests[4]], outcomes) {
            let single = try fresh.check(user: request.user, lecture: request.lecture, at: request.at)
            #expect(single.decision == outcome.decision)
            #expect(single.json["reasons"] == outcome.json["reasons"])
        }
        let entry = try #require(try admission.store.auditEntry(head + 1))
        #expect(entry.actor == "batch-test")
        #expect(try admission.verifyAudit().isIntact)
    }

    /// `decide` writes nothing; its answers come only with the log's sequence numbers, or all
    /// decided ones fail together with the log's error: the seam a log elsewhere appends through.
    @Test func decidingLogsNothingAndAnswersOnlyWithTheLogRows() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let requests = [
            CheckRequest(user: "ada@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00")),
            CheckRequest(user: "nobody@example.org", lecture: "idor-2020-07"),
            CheckRequest(user: "ben@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T10:00:00+01:00")),
        ]
        let head = try admission.store.auditCount()
        let decided = admission.decide(requests, actor: "replica-a")
        #expect(try admission.store.auditCount() == head, "deciding writes nothing")
        #expect(decided.records.map(\.actor) == ["replica-a", "replica-a"])
        #expect(decided.records.map(\.effect) == [.allow, .deny])

        let answers = decided.logged(as: [41, 42])
        #expect(answers.count == 3)
        #expect((try? answers[0].get())?.auditSeq == 41)
        #expect((try? answers[2].get())?.auditSeq == 42)
        guard case .failure(.unknownUser) = answers[1] else {
            Issue.record("the unknown user keeps its own failure: \(answers[1])")
            return
        }

        let busy = AdmitError.fileUnreadable(path: "log", reason: "the log is unreachable")
        let failed = decided.notLogged(busy)
        #expect(failed.count == 3)
        for index in [0, 2] {
            guard case .failure(let error) = failed[index] else {
                Issue.record("a decided request was answered without its log row")
                continue
            }
            #expect(error == busy)
        }
        guard case .failure(.unknownUser) = failed[1] else {
            Issue.record("the unknown user keeps its own failure: \(failed[1])")
            return
        }
        // The same decisions through `check`: the same rows, logged here.
        let checked = admission.check(requests, actor: "replica-a")
        #expect(try admission.store.auditCount() == head + 2)
        #expect(checked.compactMap { try? $0.get().decision } == answers.compactMap { try? $0.get().decision })
    }

    @Test(arguments: StoreKind.allCases) func theFastWriterWritesExactlyTheJSONObject(_ store: StoreKind) throws {
        let workspace = try Workspace(store)  // held: the database goes with it
        let admission = try workspace.open()
        for (user, at) in [
            ("ada@example.org", "2020-11-15T10:00:00+01:00"), ("ben@example.org", "2020-11-30T10:00:00+01:00"),
            ("cleo@example.org", "2020-11-15T10:00:00+01:00"),
        ] {
            let outcome = try admission.check(user: user, lecture: "idor-2020-07", at: instant(at))
            var writer = JSONWriter()
            outcome.write(to: &writer)
            #expect(writer.string == outcome.json.serialized())
        }
    }

    @Test(arguments: StoreKind.allCases) func anotherConnectionsChangesAreSeenAtTheNextBatch(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let service = try workspace.open()
        let at = instant("2020-11-15T10:00:00+01:00")
        #expect(try service.check(user: "ben@example.org", lecture: "idor-2020-07", at: at).decision.effect == .deny)
        // Another process (here: another connection) enrols Ben.
        let other = try workspace.open(writer: "beside")  // another process: its own chain
        _ = try other.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-10T10:00:00+01:00"))
        #expect(try service.check(user: "ben@example.org", lecture: "idor-2020-07", at: at).decision.effect == .allow)
        // And this connection's own change too.
        _ = try service.unenrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-12T10:00:00+01:00"))
        #expect(try service.check(user: "ben@example.org", lecture: "idor-2020-07", at: at).decision.effect == .deny)
    }
}
