import AdmitDomain
import AdmitStore
import Foundation
import Testing

@Suite struct AuditLogTests {
    /// A store with ten decisions logged, closed so that the shell can edit the file.
    func logged(_ dir: borrowing TemporaryDirectory) throws -> String {
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        _ = try store.write { try store.append((1...10).map { StoreFixtures.decision($0, user: ada.id) }) }
        #expect(try store.verifyAudit() == AuditVerification(rows: 10, firstBreak: nil))
        store.close()
        return path
    }

    @Test func appendsInSequenceAndChains() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        let first = try store.write {
            try store.append([StoreFixtures.decision(1, user: ada.id), StoreFixtures.decision(2, user: ada.id)])
        }
        let third = try store.write { try store.append(StoreFixtures.decision(3, user: ada.id)) }
        #expect(first == [1, 2])
        #expect(third == 3)
        let one = try #require(try store.auditEntry(1))
        let two = try #require(try store.auditEntry(2))
        #expect(one.previousHash == String(repeating: "0", count: 64))
        #expect(two.previousHash == one.hash)
        #expect(one.record == StoreFixtures.decision(1, user: ada.id))
        #expect(try store.auditCount() == 3)
    }

    @Test func aFailedTransactionLeavesNoAuditRow() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        struct Abort: Error {}
        #expect(throws: StoreError.self) {
            try store.write {
                try store.append(StoreFixtures.decision(1, user: ada.id))
                throw Abort()
            }
        }
        #expect(try store.auditCount() == 0)
        #expect(try store.verifyAudit().isIntact)
    }

    @Test func theAppOwnConnectionCannotRewriteTheLog() throws {
        let dir = TemporaryDirectory()
        let path = try logged(dir)
        let out = try StoreFixtures.shell(path, "UPDATE audit_log SET effect = 'allow' WHERE seq = 3;")
        #expect(out.contains("append-only"))
    }

    @Test(arguments: [
        // An edited row: its content no longer matches its hash.
        ("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET effect = 'allow' WHERE seq = 5;", Int64(5), "edited"),
        ("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 7;", 7, "edited"),
        ("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET kind = 'nonsense' WHERE seq = 2;", 2, "edited"),
        // The head row deleted: the end of the log can no longer be checked.
        ("DELETE FROM audit_head;", 11, "head row is missing"),
        // A deleted row in the middle: a gap.
        ("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4;", 4, "missing"),
        // Rows deleted from the end: the head says there were more.
        ("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 8;", 9, "deleted from the end"),
        // A row inserted in the middle, renumbering the rest: the chain does not link.
        (
            """
            DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
            CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq >= 6;
            DELETE FROM audit_log WHERE seq >= 6;
            INSERT INTO audit_log SELECT seq + 1, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail, prev_hash, hash FROM t;
            INSERT INTO audit_log SELECT 6, recorded_at, 'intruder', kind, user_id, package_id, lecture_id, at, 'allow', policy_hash, batch_id, detail, prev_hash, hash FROM t WHERE seq = 6;
            UPDATE audit_head SET seq = 11;
            """, 6, "edited"
        ),
        // A forged row appended at the end without the right hash.
        (
            "INSERT INTO audit_log SELECT 11, recorded_at, actor, kind, user_id, package_id, lecture_id, at, 'allow', policy_hash, batch_id, detail, hash, hash FROM audit_log WHERE seq = 10;",
            11, "edited"
        ),
    ])
    func verifyNamesTheFirstBrokenRow(sql: String, seq: Int64, reason: String) throws {
        let dir = TemporaryDirectory()
        let path = try logged(dir)
        let out = try StoreFixtures.shell(path, sql)
        #expect(out.isEmpty, "\(out)")
        let store = try Store(path: path)
        let result = try store.verifyAudit()
        #expect(result.firstBreak?.seq == seq)
        #expect(result.firstBreak?.reason.contains(reason) == true, "\(String(describing: result.firstBreak))")
    }

    @Test func anEffectGivenToARowThatHadNoneIsAnEdit() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        try store.write {
            try store.append(AuditRecord(recordedAt: StoreFixtures.now, actor: "test", kind: .userCreated, user: ada.id, detail: "{}"))
        }
        store.close()
        let out = try StoreFixtures.shell(path, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET effect = 'x' WHERE seq = 1;")
        #expect(out.isEmpty, "\(out)")
        let result = try Store(path: path).verifyAudit()
        #expect(result.firstBreak?.seq == 1)
        #expect(result.firstBreak?.reason.contains("edited") == true, "\(String(describing: result.firstBreak))")
    }
}
