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
            try store.version() == 4, "migrations 1 (schema), 2 (report tables), 3 (CHECK without IN lists), 4 (the compact audit log)")
        store.close()
        let again = try Store(path: dir.file("a.sqlite"))
        #expect(try again.version() == 4, "opening again runs none of them a second time")
    }
}
