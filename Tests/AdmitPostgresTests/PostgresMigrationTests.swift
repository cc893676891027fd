import AdmitPostgres
import AdmitTestSupport
import PostgresNIO
import Testing

@Suite("PostgreSQL migrations")
struct PostgresMigrationTests {
    /// The tables migration 1 makes.
    static let tables = [
        "admit_schema_versions", "audit_archives", "audit_changes", "audit_decisions", "audit_decisions_default", "audit_events",
        "audit_heads",
        "audit_texts", "audit_writers", "decisions_by_lecture", "decisions_by_user", "enrolments", "import_batches", "lecture_opens",
        "lectures",
        "opens_without_enrolment", "packages", "policy_files", "policy_versions", "report_positions",
        "users",
    ]

    @Test("a fresh database is migrated to the version this build knows, with every table")
    func freshDatabase() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.connect(url, logger: TestServer.logger)
            #expect(try await store.schemaVersion() == 0)
            let applied = try await store.migrate()
            #expect(applied == Array(1...PostgresStore.supportedVersion))
            #expect(try await store.schemaVersion() == PostgresStore.supportedVersion)
            await store.close()
            let names = try await TestServer.withConnection(url) { connection in
                var names: [String] = []
                for try await name in try await connection.query(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", logger: TestServer.logger
                ).decode(String.self) {
                    names.append(name)
                }
                return names
            }
            #expect(names == Self.tables)
            // The decision log is partitioned by range on the day.
            let strategy = try await TestServer.withConnection(url) { connection in
                try await connection.query(
                    "SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'audit_decisions'::regclass",
                    logger: TestServer.logger
                ).collect().first?.decode(String.self)
            }
            #expect(strategy == "r")
            // SQLite's migration 5 has its twin (migration 3): the OneRoster role.
            let roleColumns = try await TestServer.integers(
                "SELECT count(*) FROM information_schema.columns WHERE column_name = 'external_role' AND table_name IN ('users', 'audit_changes')",
                on: url)
            #expect(roleColumns == [2])
        }
    }

    @Test("migrating twice changes nothing the second time")
    func twice() async throws {
        try await TestServer.withFreshDatabase { url in
            let first = try await PostgresStore.open(url, logger: TestServer.logger)
            await first.close()
            let second = try await PostgresStore.connect(url, logger: TestServer.logger)
            #expect(try await second.migrate() == [])
            #expect(try await second.migrate() == [])
            await second.close()
            #expect(
                try await TestServer.integers("SELECT version FROM admit_schema_versions ORDER BY 1", on: url)
                    == Array(1...PostgresStore.supportedVersion))
        }
    }

    @Test("several processes opening a fresh database at once: one migrates, the others find it done")
    func concurrentOpeners() async throws {
        try await TestServer.withFreshDatabase { url in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await PostgresStore.connect(url, logger: TestServer.logger) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for store in stores {
                    group.addTask { try await store.migrate() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for store in stores { await store.close() }
            #expect(applied.filter { !$0.isEmpty } == [Array(1...PostgresStore.supportedVersion)])
            #expect(applied.filter(\.isEmpty).count == stores.count - 1)
            #expect(
                try await TestServer.integers("SELECT version FROM admit_schema_versions ORDER BY 1", on: url)
                    == Array(1...PostgresStore.supportedVersion))
        }
    }

    @Test("a database of a newer schema is refused, untouched")
    func newerSchema() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            await store.close()
            let newer = PostgresStore.supportedVersion + 1
            try await TestServer.execute("INSERT INTO admit_schema_versions(version) VALUES (\(newer))", on: url)
            try await TestServer.execute("CREATE TABLE made_by_a_newer_admit (x integer)", on: url)
            let expected = PostgresStoreError.tooNew(database: url.database, version: newer, supported: PostgresStore.supportedVersion)
            await #expect(throws: expected) {
                _ = try await PostgresStore.open(url, logger: TestServer.logger)
            }
            #expect(
                expected.description
                    == "database '\(url.database)' is at schema version \(newer), written by a newer Admit; this one knows up to \(PostgresStore.supportedVersion) and will not touch it"
            )
            #expect(try await TestServer.integers("SELECT count(*) FROM made_by_a_newer_admit", on: url) == [0])
            #expect(try await TestServer.integers("SELECT max(version) FROM admit_schema_versions", on: url) == [newer])
        }
    }

    @Test("two writers enrolling the same user in the same package at once make one current enrolment")
    func oneEnrolment() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            await store.close()
            try await TestServer.execute("INSERT INTO packages VALUES ('idor-2020', 'IDoR 2020', 'ESR Connect', 'Europe/Vienna')", on: url)
            try await TestServer.execute(
                """
                INSERT INTO users(id, email, name, profession, account, registered_at, updated_at)
                VALUES (1, 'a@example.org', 'A', 'radiologist', 'active', 0, 0)
                """, on: url)
            let inserted = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await TestServer.integers(
                            """
                            INSERT INTO enrolments(user_id, package_id, enrolled_at, source) VALUES (1, 'idor-2020', 1, 'self')
                            ON CONFLICT (user_id, package_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING 1
                            """, on: url)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(inserted == [1])
            #expect(try await TestServer.integers("SELECT count(*) FROM enrolments", on: url) == [1])
        }
    }

    @Test("the audit log refuses updates, deletes and truncation")
    func appendOnly() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            await store.close()
            try await TestServer.execute("INSERT INTO audit_texts(text) VALUES ('admin')", on: url)
            for statement in [
                "UPDATE audit_texts SET text = 'other'", "DELETE FROM audit_texts", "TRUNCATE audit_texts", "TRUNCATE audit_decisions",
                "TRUNCATE audit_decisions_default", "TRUNCATE audit_changes", "TRUNCATE audit_events",
            ] {
                let error = await #expect(throws: PSQLError.self) {
                    try await TestServer.execute(statement, on: url)
                }
                #expect(error?.serverInfo?[.message] == "the audit log is append-only")
            }
            #expect(try await TestServer.integers("SELECT count(*) FROM audit_texts WHERE text = 'admin'", on: url) == [1])
        }
    }
}
