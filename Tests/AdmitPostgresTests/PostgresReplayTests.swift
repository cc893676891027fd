import Admit
import AdmitDomain
import Testing

/// `audit replay` on PostgreSQL, where each writer numbers its own rows: a decision is named as
/// check names it, `WRITER:N` (in `PostgresAdmissionTests`, which runs its tests one at a time).
extension PostgresAdmissionTests {
    @Test func aDecisionIsReplayedByItsWriterAndNumberOnPostgres() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let a = try place.open(writer: "serve:host-a:8080")
            let b = try place.open(writer: "replica-b")
            defer {
                a.close()
                b.close()
            }
            let first = try a.check(user: "ada@example.org", lecture: "idor-2020-01", at: instant("2020-11-20T23:59:59.999+01:00"))
            let onB = try b.check(user: "ben@example.org", lecture: "idor-2020-02")
            #expect(first.auditWriter == "serve:host-a:8080" && onB.auditWriter == "replica-b")
            // As check names it: the writer (with its colons) and the number in its chain.
            let id = try DecisionID(parsing: "serve:host-a:8080:\(first.auditSeq)")
            let replayed = try b.replay(id)
            #expect(replayed.reproduces && replayed.sameToday)
            #expect(replayed.logged.writer == "serve:host-a:8080" && replayed.logged.seq == first.auditSeq)
            #expect(replayed.logged.effect == .allow && replayed.logged.lecture == "idor-2020-01")
            #expect(replayed.json["logged"]?["writer"] == "serve:host-a:8080")
            // Ada's state changes; the replay uses the facts the decision used, today's answer the new ones.
            _ = try a.unenrol(user: "ada@example.org", package: "idor-2020")
            let again = try b.replay(id)
            #expect(again.reproduces && !again.sameToday)

            // A number alone: found when one chain has a decision with it, else the writers that do are named.
            var seqsA: Set<Int64> = [first.auditSeq]
            var seqsB: Set<Int64> = [onB.auditSeq]
            for _ in 0..<12 {
                seqsA.insert(try a.check(user: "ben@example.org", lecture: "idor-2020-03").auditSeq)
                seqsB.insert(try b.check(user: "ben@example.org", lecture: "idor-2020-03").auditSeq)
            }
            let shared = try #require(seqsA.intersection(seqsB).min())
            #expect(throws: AdmitError.invalidInput(.decisionInSeveralChains(seq: shared, writers: ["replica-b", "serve:host-a:8080"]))) {
                try b.replay(DecisionID(writer: nil, seq: shared))
            }
            let onlyB = try #require(seqsB.subtracting(seqsA).min())
            #expect(try a.replay(DecisionID(writer: nil, seq: onlyB)).logged.writer == "replica-b")
            // Row 1 of the first writer's chain is the first seed user's state row; no chain reaches 100,000.
            #expect(throws: AdmitError.invalidInput(.notADecision(seq: 1, kind: "user.created"))) {
                try a.replay(DecisionID(writer: "serve:host-a:8080", seq: 1))
            }
            #expect(throws: AdmitError.auditNotFound(100_000)) { try a.replay(DecisionID(writer: nil, seq: 100_000)) }
            #expect(throws: AdmitError.auditNotFound(100_000)) { try a.replay(DecisionID(writer: "replica-b", seq: 100_000)) }
            #expect(throws: AdmitError.auditNotFound(onlyB)) { try a.replay(DecisionID(writer: "no-such-writer", seq: onlyB)) }
        }
    }

    @Test(
        arguments: [
            ("17", nil, 17), ("replica-b:17", "replica-b", 17), ("serve:host-a:8080:3", "serve:host-a:8080", 3), (" 5 ", nil, 5),
        ] as [(String, String?, Int64)])
    func aDecisionIDIsANumberAfterAnOptionalWriter(_ text: String, _ writer: String?, _ seq: Int64) throws {
        #expect(try DecisionID(parsing: text) == DecisionID(writer: writer, seq: seq))
    }

    @Test(arguments: ["", "x", "0", "-3", ":5", "a:", "a:b", "1.5", "+7", "99999999999999999999"])
    func whatIsNotADecisionIDIsRefused(_ text: String) {
        #expect(throws: AdmitError.invalidInput(.notADecisionID(text: text))) { try DecisionID(parsing: text) }
    }

    @Test func aWriterIsRefusedOnSQLite() async throws {
        try await AdmissionPlace.with(.sqlite) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            let answer = try admission.check(user: "ada@example.org", lecture: "idor-2020-01")
            #expect(throws: AdmitError.invalidInput(.writerOnSQLite(id: "one:\(answer.auditSeq)"))) {
                try admission.replay(DecisionID(writer: "one", seq: answer.auditSeq))
            }
            #expect(try admission.replay(DecisionID(writer: nil, seq: answer.auditSeq)).logged.writer == nil)
        }
    }
}
