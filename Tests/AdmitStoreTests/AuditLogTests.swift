import AdmitDomain
import Foundation
import Testing

@testable import AdmitStore

@Suite struct AuditLogTests {
    /// A store with one user (row 1) and ten decisions (rows 2–11), closed so that the shell can edit the file.
    func logged(_ dir: borrowing TemporaryDirectory) throws -> String {
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        _ = try store.write { try store.append((1...10).map { StoreFixtures.decision($0, user: ada.id) }) }
        let verification = try store.verifyAudit()
        #expect(verification.rows == 11 && verification.isIntact && verification.users == 1)
        store.close()
        return path
    }

    @Test func appendsInSequenceAndChains() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        let first = try store.write {
            try store.append([StoreFixtures.decision(1, user: ada.id), StoreFixtures.decision(2, user: ada.id)])
        }
        let fourth = try store.write { try store.append(StoreFixtures.decision(3, user: ada.id)) }
        #expect(first == [2, 3])
        #expect(fourth == 4)
        let two = try #require(try store.auditEntry(2))
        let record = StoreFixtures.decision(1, user: ada.id)
        #expect(two.kind == .decision && two.user == ada.id && two.lecture == record.lecture && two.at == record.at)
        #expect(two.effect == record.effect && two.policyHash == record.policyHash && two.code == record.code)
        #expect(two.factsVersion == 1 && two.package == "idor-2020" && two.actor == "test" && !two.isLegacy)
        #expect(try store.auditEntry(1)?.state?.user == ada)
        #expect(try store.auditCount() == 4)
    }

    @Test func aFailedTransactionLeavesNoAuditRowAndNoText() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        struct Abort: Error {}
        var record = StoreFixtures.decision(1, user: ada.id)
        record.actor = "never-committed"
        #expect(throws: StoreError.self) {
            try store.write {
                try store.append(record)
                throw Abort()
            }
        }
        #expect(try store.auditCount() == 1)
        #expect(try store.verifyAudit().isIntact)
        // The actor's text went with the transaction; the next one adds it again.
        _ = try store.write { try store.append(record) }
        #expect(try store.auditEntry(2)?.actor == "never-committed")
        #expect(try store.verifyAudit().isIntact)
    }

    @Test func theAppOwnConnectionCannotRewriteTheLog() throws {
        let dir = TemporaryDirectory()
        let path = try logged(dir)
        for sql in [
            "UPDATE audit_decisions SET effect = 0 WHERE seq = 3;", "DELETE FROM audit_changes;",
            "UPDATE audit_texts SET text = 'x';", "UPDATE audit_changes SET name = 'x';",
        ] {
            #expect(try StoreFixtures.shell(path, sql).contains("append-only"), "\(sql)")
        }
    }

    @Test(arguments: [
        // An edited row: its content no longer matches its hash.
        ("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET effect = 1 - effect WHERE seq = 5;", Int64(5), "edited"),
        ("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET reasons = x'01020100' WHERE seq = 7;", 7, "edited"),
        ("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET facts = 2 WHERE seq = 2;", 2, "edited"),
        ("DROP TRIGGER audit_changes_no_update; UPDATE audit_changes SET subscription = 'premium' WHERE seq = 1;", 1, "edited"),
        // A text all rows share, edited: the first row that names it.
        ("DROP TRIGGER audit_texts_no_update; UPDATE audit_texts SET text = 'idor-2020-02' WHERE text = 'idor-2020-01';", 2, "edited"),
        ("DROP TRIGGER audit_texts_no_delete; DELETE FROM audit_texts WHERE text = 'sha256:test';", 2, "audit_texts"),
        // The head row deleted: the end of the log can no longer be checked.
        ("DELETE FROM audit_head;", 12, "head row is missing"),
        // A deleted row in the middle: a gap.
        ("DROP TRIGGER audit_decisions_no_delete; DELETE FROM audit_decisions WHERE seq = 4;", 4, "missing"),
        // Rows deleted from the end: the head says there were more.
        ("DROP TRIGGER audit_decisions_no_delete; DELETE FROM audit_decisions WHERE seq > 9;", 10, "deleted from the end"),
        // A row inserted in the middle, renumbering the rest: the chain does not link.
        (
            """
            DROP TRIGGER audit_decisions_no_update; DROP TRIGGER audit_decisions_no_delete;
            CREATE TEMP TABLE t AS SELECT * FROM audit_decisions WHERE seq >= 6;
            DELETE FROM audit_decisions WHERE seq >= 6;
            INSERT INTO audit_decisions SELECT seq + 1, recorded_at, actor, user_id, facts, lecture, at, effect, policy, reasons, hash FROM t;
            INSERT INTO audit_decisions SELECT 6, recorded_at, actor, user_id, facts, lecture, at, 0, policy, reasons, hash FROM t WHERE seq = 6;
            UPDATE audit_head SET seq = 12;
            """, 6, "edited"
        ),
        // A forged row appended at the end without the right hash.
        (
            "INSERT INTO audit_decisions SELECT 12, recorded_at, actor, user_id, facts, lecture, at, 0, policy, reasons, hash FROM audit_decisions WHERE seq = 11;",
            12, "edited"
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
        #expect(!result.isIntact)
    }

    /// What issue 10 found: an edit of the tables with the shell changed decisions and `verify`
    /// said "intact". Each edit is now named with its table, row and field.
    @Test(arguments: [
        ("UPDATE users SET subscription = 'premium' WHERE id = 1;", "users id 1: subscription is 'premium' in the table, 'none'"),
        ("UPDATE users SET name = 'Eve' WHERE id = 1;", "users id 1: name is 'Eve' in the table, 'Ada'"),
        ("UPDATE users SET country = NULL WHERE id = 1;", "users id 1: country is NULL in the table, 'AT'"),
        ("UPDATE enrolments SET withdrawn_at = NULL;", "withdrawn_at is NULL in the table, '1605000060000'"),
        ("UPDATE enrolments SET source = 'admin';", "source is 'admin' in the table, 'self'"),
        (
            "INSERT INTO enrolments(user_id, package_id, enrolled_at, source) VALUES (1, 'idor-2020', 7, 'admin');",
            "enrolments user 1, idor-2020 enrolled at 7: in the table, but not in the audit log's state"
        ),
        ("DELETE FROM enrolments;", "missing from the table; the audit log has it"),
        (
            "INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('eve@x.org', 'Eve', 'other', 'active', 0, 0);",
            "users id 2: in the table, but not in the audit log's state"
        ),
        ("PRAGMA foreign_keys = OFF; DELETE FROM enrolments; DELETE FROM users;", "users id 1: missing from the table"),
    ])
    func verifyNamesEveryEditOfTheTables(sql: String, expected: String) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        let enrolment = Enrolment(user: ada.id, package: "idor-2020", enrolledAt: StoreFixtures.now, source: .self, accountState: .active)
        _ = try store.write { try store.enrol(enrolment, StoreFixtures.context) }
        _ = try store.write {
            try store.withdraw(user: ada.id, from: "idor-2020", at: StoreFixtures.now.adding(milliseconds: 60_000), StoreFixtures.context)
        }
        #expect(try store.verifyAudit().isIntact)
        store.close()
        let out = try StoreFixtures.shell(path, sql)
        #expect(out.isEmpty, "\(out)")
        let result = try Store(path: path).verifyAudit()
        #expect(result.firstBreak == nil, "the log itself is untouched")
        #expect(!result.isIntact)
        #expect(result.stateProblems.contains { $0.description.contains(expected) }, "\(result.stateProblems)")
        // And decisions do not see the edit: they read the log's state.
        #expect(try Store(path: path).userState(ada.id)?.user.subscription == Subscription.none)
    }
}

/// A large log is checked in pieces by two connections; the pieces must find exactly what one
/// pass finds. Here pieces start at 100 rows instead of 400,000.
@Suite struct PiecewiseVerificationTests {
    func logged(_ dir: borrowing TemporaryDirectory) throws -> String {
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        for batch in 0..<10 {
            _ = try store.write { try store.append((1...100).map { StoreFixtures.decision(batch * 100 + $0, user: ada.id) }) }
        }
        store.close()
        return path
    }

    @Test func anIntactLogIsIntactInPieces() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: try logged(dir))
        let whole = try store.verifyAudit()
        let pieces = try store.verifyAudit(progress: { _ in }, piecesFrom: 100)
        #expect(whole == pieces)
        #expect(pieces.rows == 1001 && pieces.isIntact)
    }

    @Test(arguments: [
        ("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET effect = 1 - effect WHERE seq = 777;", Int64(777)),
        ("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET effect = 1 - effect WHERE seq IN (300, 900);", 300),
        ("DROP TRIGGER audit_decisions_no_delete; DELETE FROM audit_decisions WHERE seq = 64;", 64),
        ("DROP TRIGGER audit_decisions_no_delete; DELETE FROM audit_decisions WHERE seq BETWEEN 500 AND 520;", 500),
        ("DROP TRIGGER audit_decisions_no_delete; DELETE FROM audit_decisions WHERE seq > 990;", 991),
    ])
    func piecesNameTheSameFirstBreak(sql: String, seq: Int64) throws {
        let dir = TemporaryDirectory()
        let path = try logged(dir)
        #expect(try StoreFixtures.shell(path, sql).isEmpty)
        let store = try Store(path: path)
        let whole = try store.verifyAudit()
        let pieces = try store.verifyAudit(progress: { _ in }, piecesFrom: 100)
        #expect(whole.firstBreak?.seq == seq, "\(String(describing: whole.firstBreak))")
        #expect(pieces == whole)
    }
}
