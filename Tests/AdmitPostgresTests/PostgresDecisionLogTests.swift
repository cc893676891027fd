import AdmitDomain
import AdmitPostgres
import AdmitStore
import AdmitTestSupport
import PostgresNIO
import Testing

@Suite("PostgreSQL decision log")
struct PostgresDecisionLogTests {
    /// `count` decisions about users 1…count, alternating allow and deny, recorded from `start`.
    static func decisions(_ count: Int, from start: Int64 = 1_605_434_400_000, actor: String = "test") -> [DecisionRecord] {
        let policy = "sha256:" + String(repeating: "a", count: 64)
        var decisions: [DecisionRecord] = []
        for index in 0..<count {
            let when = Instant(millisecondsSinceEpoch: start + Int64(index))
            let lecture = LectureID("idor-2020-\(index % 39 + 1)")
            let effect: Effect = index.isMultiple(of: 2) ? .allow : .deny
            let code: [UInt8] = [UInt8(index % 7), 1, 2]
            decisions.append(
                DecisionRecord(
                    recordedAt: when, actor: actor, user: UserID(Int64(index + 1)), factsVersion: 1, lecture: lecture, at: when,
                    effect: effect, policyHash: policy, code: code))
        }
        return decisions
    }

    /// Runs `sql` with the append-only triggers off (as a superuser may), on one connection.
    static func tamper(_ sql: String, on url: PostgresURL) async throws {
        try await TestServer.withConnection(url) { connection in
            try await connection.query("SET session_replication_role = replica", logger: TestServer.logger)
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestServer.logger)
        }
    }

    @Test("batches get consecutive sequence numbers, the head follows, and the chain verifies")
    func batches() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            let writer = try await store.registerWriter(name: "serve:a", at: Instant(millisecondsSinceEpoch: 0))
            let first = try await store.append(Self.decisions(3), writer: writer)
            let second = try await store.append(Self.decisions(500, actor: "service:tcp"), writer: writer)
            #expect(first == [1, 2, 3])
            #expect(second == Array(4...503))
            #expect(try await store.append([], writer: writer) == [])
            let report = try await store.verifyChain(of: writer)
            #expect(report.isIntact, "\(report.problem?.description ?? "")")
            #expect(report.rows == 503)
            // Registering the same name again finds the same writer, whose chain goes on.
            let again = try await store.registerWriter(name: "serve:a", at: Instant(millisecondsSinceEpoch: 1))
            #expect(again == writer)
            #expect(try await store.append(Self.decisions(1), writer: again) == [504])
            await store.close()
            #expect(try await TestServer.integers("SELECT seq FROM audit_heads WHERE writer_id = \(writer.id)", on: url) == [504])
            // Every row landed in the partition of its day (the default one: none was made).
            #expect(try await TestServer.integers("SELECT count(*) FROM audit_decisions_default", on: url) == [504])
        }
    }

    @Test("writers appending at once each keep a gap-free chain of their own")
    func concurrentWriters() async throws {
        try await TestServer.withFreshDatabase { url in
            let writers = try await withThrowingTaskGroup(of: PostgresWriter.self) { group in
                for number in 0..<4 {
                    group.addTask {
                        let store = try await PostgresStore.open(url, logger: TestServer.logger)
                        let writer = try await store.registerWriter(name: "serve:\(number)", at: Instant(millisecondsSinceEpoch: 0))
                        for batch in 0..<10 {
                            let seqs = try await store.append(Self.decisions(50, from: Int64(batch) * 1000), writer: writer)
                            #expect(seqs == Array(Int64(batch * 50 + 1)...Int64(batch * 50 + 50)))
                        }
                        await store.close()
                        return writer
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            #expect(Set(try await store.writers()) == Set(writers))
            for writer in writers {
                let report = try await store.verifyChain(of: writer)
                #expect(report.isIntact, "\(writer.name): \(report.problem?.description ?? "")")
                #expect(report.rows == 500)
            }
            await store.close()
            #expect(try await TestServer.integers("SELECT count(*) FROM audit_decisions", on: url) == [2000])
        }
    }

    @Test("a changed row and a removed last row are found by verification")
    func tampering() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            let writer = try await store.registerWriter(name: "serve:a", at: Instant(millisecondsSinceEpoch: 0))
            try await store.append(Self.decisions(20), writer: writer)
            // The append-only triggers stop Admit's user; a superuser can step around them, which
            // is what verification is for.
            try await Self.tamper("UPDATE audit_decisions SET effect = 1 - effect WHERE seq = 7", on: url)
            var report = try await store.verifyChain(of: writer)
            #expect(report.problem == .changed(seq: 7))
            #expect(report.problem?.description == "row 7 does not match its hash: it was changed after it was written")
            #expect(report.rows == 6)
            try await Self.tamper("UPDATE audit_decisions SET effect = 1 - effect WHERE seq = 7", on: url)
            #expect(try await store.verifyChain(of: writer).isIntact)
            try await Self.tamper("DELETE FROM audit_decisions WHERE seq = 20", on: url)
            report = try await store.verifyChain(of: writer)
            #expect(report.problem == .headAhead(head: 20, last: 19))
            #expect(report.problem?.description == "the head is at row 20 but the log ends at row 19: rows were removed")
            try await Self.tamper("DELETE FROM audit_decisions WHERE seq = 10", on: url)
            report = try await store.verifyChain(of: writer)
            #expect(report.problem == .missing(first: 10, last: 10))
            #expect(report.problem?.description == "row 10 is missing")
            await store.close()
        }
    }
}
