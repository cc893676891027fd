import AdmitDomain
import Foundation
import SQLite
import Testing

@testable import AdmitStore

/// Migration 3 (CHECK constraints without IN lists) on a database written at version 2.
@Suite("Migration 3: CHECK constraints without IN lists")
struct CheckConstraintMigrationTests {
    /// A database at version 2, the one before, with a user, an enrolment and an import batch in it.
    static func versionTwo(_ path: String) throws {
        let connection = try Connection(path: path)
        try connection.execute(Migrations.version1)
        try connection.execute(Migrations.version2)
        try connection.setUserVersion(2)
        try connection.execute(
            """
            INSERT INTO packages VALUES ('p', 'P', 'ESR Connect', 'Europe/Vienna');
            INSERT INTO users(email, name, profession, country, account, subscription, registered_at, updated_at)
                VALUES ('a@example.org', 'A', 'radiographer', 'AT', 'suspended', 'none', 1, 1);
            INSERT INTO import_batches(file_name, sha256, actor, started_at, status) VALUES ('f', '', 'x', 1, 'completed');
            INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, batch_id, account_state)
                VALUES (1, 'p', 5, 'bulk', 1, 1, 'suspended');
            """)
        connection.close()
    }

    @Test("From version 2: the data stays, the constraints mean the same and use no IN list")
    func fromVersionTwo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v2.sqlite")
        try Self.versionTwo(path)
        // A connection open from before the migration, its schema already read.
        let earlier = try Connection(path: path)
        _ = try earlier.query("SELECT count(*) FROM users") { $0.int64(0) }
        let store = try Store(path: path)
        #expect(try store.version() == Store.schemaVersion)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try store.user(email: EmailAddress("a@example.org"))?.account == .suspended)
        #expect(try store.enrolments(of: UserID(1)).first?.forced == true)
        let schema = try store.connection.query("SELECT sql FROM sqlite_schema WHERE type = 'table'") { $0.string(0) ?? "" }
        #expect(!schema.joined().contains(" IN ("))
        #expect(schema.joined().contains("CHECK (profession = 'radiologist' OR profession = 'radiographer' OR profession = 'other')"))
        #expect(try store.connection.query("SELECT name FROM sqlite_schema WHERE name LIKE 'migration%'") { $0.string(0) }.isEmpty)
        // The same values are accepted and refused as before.
        let bad: [String] = [
            "INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('b@x.org', 'B', 'surgeon', 'active', 1, 1)",
            "INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('b@x.org', 'B', 'other', 'paused', 1, 1)",
            "INSERT INTO enrolments(user_id, package_id, enrolled_at, source) VALUES (1, 'p', 9, 'import')",
            "INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced) VALUES (1, 'p', 9, 'self', 2)",
            "UPDATE import_batches SET status = 'paused'",
            "UPDATE enrolments SET account_state = 'paused'",
        ]
        for sql in bad {
            #expect(throws: SQLiteError.self, "\(sql)") { try store.connection.execute(sql) }
        }
        try store.connection.execute(
            "INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('c@x.org', 'C', 'other', 'closed', 1, 1)"
        )
        // The connection that opened before sees the new definitions: it re-reads the schema.
        let seen = try earlier.query("SELECT sql FROM sqlite_schema WHERE name = 'enrolments'") { $0.string(0) ?? "" }
        #expect(seen.first?.contains("account_state IS NULL OR account_state = 'active' OR") == true)
        #expect(throws: SQLiteError.self) { try earlier.execute("UPDATE enrolments SET account_state = 'paused'") }
        try earlier.execute("UPDATE enrolments SET account_state = 'closed'")
        earlier.close()
        #expect(try Store(path: path).version() == Store.schemaVersion)
        #expect(schema.joined().contains("account_state IS NULL OR account_state = 'active' OR"))
    }

    @Test("From version 1, through every migration: no IN list is left in any table")
    func fromVersionOne() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v1.sqlite")
        let connection = try Connection(path: path)
        try connection.execute(Migrations.version1)
        try connection.setUserVersion(1)
        connection.close()
        let store = try Store(path: path)
        #expect(try store.version() == Store.schemaVersion)
        let schema = try store.connection.query("SELECT sql FROM sqlite_schema WHERE type = 'table'") { $0.string(0) ?? "" }
        #expect(!schema.joined().contains(" IN ("))
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("An insert into users builds no temporary index any more")
    func noEphemeralTable() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        let plan = try store.connection.query(
            "EXPLAIN INSERT INTO users(email, name, profession, account, registered_at, updated_at) VALUES ('e@x.org', 'E', 'other', 'active', 1, 1)"
        ) { $0.string(1) ?? "" }
        #expect(!plan.contains("OpenEphemeral"))
        #expect(plan.contains("Insert"))
    }
}
