import AdmitDomain
import Foundation
import Testing

@testable import AdmitStore

@Suite struct MigrationTests {
    @Test func migratesFromVersionOneKeepingTheData() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v1.sqlite")
        // A database exactly as the first release left it.
        let out = try StoreFixtures.shell(
            path,
            Migrations.version1 + """
                ;
                PRAGMA user_version = 1;
                INSERT INTO packages VALUES ('idor-2020', 'IDoR', 'ESR Connect', 'Europe/Vienna');
                INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('ada@example.org', 'Ada', 'radiologist', 'active', 0, 0);
                INSERT INTO enrolments(user_id, package_id, enrolled_at, source) VALUES (1, 'idor-2020', 5, 'self');
                """)
        #expect(out.isEmpty, "\(out)")
        let store = try Store(path: path)
        #expect(try store.version() == Store.schemaVersion)
        #expect(try store.enrolments(of: UserID(1)).map(\.enrolledAt) == [Instant(millisecondsSinceEpoch: 5)])
        #expect(try store.integrityProblems().isEmpty)
        // The new columns and tables work on the old rows.
        var states: [AccountState?] = []
        try store.scanEnrolments(EnrolmentScope(package: "idor-2020")) { states.append($0.accountState) }
        #expect(states == [nil])
        #expect(try store.refreshAuditIndexes() == 1, "the user's first state row (migration 4)")
        #expect(try store.userState(UserID(1))?.enrolments.map(\.enrolledAt) == [Instant(millisecondsSinceEpoch: 5)])
        #expect(try store.verifyAudit().isIntact)
    }

    @Test func everyMigrationRunsOnceInOrder() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        #expect(
            try store.version() == 5,
            "migrations 1 (schema), 2 (report tables), 3 (CHECK without IN lists), 4 (the compact audit log), 5 (external role)")
        store.close()
        let again = try Store(path: dir.file("a.sqlite"))
        #expect(try again.version() == 5, "opening again runs none of them a second time")
    }

    /// Migration 5 on a database at version 4 (made by migrating one of version 2 that far: a
    /// user, an enrolment and a batch, and migration 4's state row of the user in the chain).
    @Test func migration5AddsTheExternalRoleAndTheChainStillVerifies() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v4.sqlite")
        try CheckConstraintMigrationTests.versionTwo(path)
        let old = try Store(path: path, migratingTo: 4)
        #expect(try old.version() == 4)
        let columns = try old.connection.query("SELECT name FROM pragma_table_info('users')") { $0.string(0) ?? "" }
        #expect(columns.contains("external_id") && !columns.contains("external_role"))
        let oldHashes = try old.connection.query("SELECT hex(hash) FROM audit_changes ORDER BY seq") { $0.string(0) ?? "" }
        #expect(oldHashes.count == 1)
        old.close()

        let store = try Store(path: path)
        #expect(try store.version() == Store.schemaVersion)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try store.user(id: UserID(1))?.externalRole == nil)
        #expect(try store.userState(UserID(1))?.user.externalRole == nil)
        #expect(try store.connection.query("SELECT hex(hash) FROM audit_changes ORDER BY seq") { $0.string(0) ?? "" } == oldHashes)
        #expect(try store.verifyAudit().isIntact, "the rows of version 4 hash as they did")

        // A new user with a role, and the old user given one: in `users`, in the state rows, in the hash.
        let context = ChangeContext(recordedAt: Instant(millisecondsSinceEpoch: 10), actor: "test")
        let created = try store.write {
            try store.createUser(
                NewUser(
                    email: try EmailAddress("t@example.org"), name: "T", profession: .other, country: nil, account: .active,
                    subscription: .none, registeredAt: Instant(millisecondsSinceEpoch: 1), externalID: "t1", externalRole: "teacher"),
                context)
        }
        #expect(created?.user.externalRole == "teacher")
        let before = try #require(try store.userState(UserID(1)))
        var user = before.user
        user.externalRole = "aide"
        _ = try store.write { try store.updateUser(user, from: before, context) }
        #expect(try store.user(id: UserID(1))?.externalRole == "aide")
        #expect(try store.userState(UserID(1))?.user.externalRole == "aide")
        #expect(try store.user(email: EmailAddress("t@example.org"))?.externalRole == "teacher")
        let details = try store.connection.query("SELECT detail FROM audit_log WHERE kind = 'user.updated'") { $0.string(0) ?? "" }
        #expect(details.count == 1 && details[0].contains(#""externalRole":"aide""#), "\(details)")
        #expect(try store.verifyAudit().isIntact)

        // The table and the log are compared: a role edited in `users` is found.
        try store.connection.execute("UPDATE users SET external_role = 'student' WHERE id = 1")
        let edited = try store.verifyAudit()
        #expect(edited.stateProblems.map(\.field) == ["external_role"])
        try store.connection.execute("UPDATE users SET external_role = 'aide' WHERE id = 1")
        // And the role is in the row's hash: a role edited in the log breaks the chain there.
        try store.connection.execute("DROP TRIGGER audit_changes_no_update")
        try store.connection.execute("UPDATE audit_changes SET external_role = 'parent' WHERE user_id = 1 AND kind = 2")
        try store.connection.execute("UPDATE users SET external_role = 'parent' WHERE id = 1")
        #expect(try store.verifyAudit().firstBreak != nil)
    }
}
