import Admit
import AdmitCSV
import AdmitDomain
import AdmitStore
import AdmitTestSupport
import Foundation
import SQLite
import Testing

/// A temporary folder, removed when the value goes away.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "admit-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: file(name), encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A database with one package, one seeded user and a small policy, on either store; its seeds
/// and policy in a temporary folder.
///
/// The package `idor-2020` is free to enrol in from 2020-11-08 to 2020-11-20 (Vienna); `ada` is
/// seeded, active, from Austria, enrolled. Nothing is read from outside the folder.
struct RegistrationFixture: ~Copyable {
    let directory: TemporaryDirectory
    let database: TestDatabase
    static let now = Instant(millisecondsSinceEpoch: 1_605_430_800_000)  // 2020-11-15T09:00:00Z
    static let insideWindow = try! Instant(parsing: "2020-11-15T10:00:00+01:00")
    static let afterWindow = try! Instant(parsing: "2020-12-01T10:00:00+01:00")

    static let catalog = """
        {"packages": [{"id": "idor-2020", "title": "IDoR 2020", "platform": "ESR Connect", "zone": "Europe/Vienna",
          "lectures": [{"id": "idor-2020-01", "position": 1, "title": "Lecture 1 of 2"},
                       {"id": "idor-2020-02", "position": 2, "title": "Lecture 2 of 2"}]}]}
        """
    static let users = """
        {"users": [{"email": "ada@example.org", "name": "Ada", "profession": "radiologist", "country": "AT",
          "account": "active", "subscription": "none", "registeredAt": "2020-11-02T09:00:00+01:00",
          "enrolments": [{"package": "idor-2020", "at": "2020-11-09T10:00:00+01:00", "source": "self"}]}]}
        """
    static let policy = """
        window free from 2020-11-08 until 2020-11-20 in Europe/Vienna

        permit free-access:
          open lecture in package "idor-2020"
          when user.account == "active" and user enrolled in "idor-2020" and now in free

        permit free-enrolment:
          enrol in package "idor-2020"
          when user.account == "active" and now in free

        forbid inactive-accounts:
          any
          when user.account != "active"
        """

    init(_ kind: StoreKind = .sqlite) throws {
        try self.init(database: TestDatabase(kind, prefix: "admit-registration"))
    }

    private init(database: TestDatabase) throws {
        self.database = database
        directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("Seeds"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.file("Policies"), withIntermediateDirectories: true)
        try directory.write("Seeds/catalog.json", Self.catalog)
        try directory.write("Seeds/users.json", Self.users)
        try directory.write("Policies/test.policy", Self.policy)
        try admission().close()  // creates and seeds the database
    }

    var kind: StoreKind { database.kind }
    var databasePath: String { database.location }

    var configuration: AdmitConfiguration {
        AdmitConfiguration(
            databasePath: databasePath, seedsDirectory: directory.file("Seeds"), policyPaths: [directory.file("Policies")],
            policyPathsGiven: true, actor: "test")
    }

    func admission() throws -> Admission {
        try Admission(configuration: configuration, clock: FixedClock(Self.now))
    }

    /// Registers CSV (or JSON Lines) text through the byte-stream entry point.
    func register(
        _ text: String, format: RegistrationFormat = .csv, options: RegistrationOptions = .init(), rejects: String? = nil,
        observe: ((RegistrationRowResult) -> Void)? = nil
    ) throws -> RegistrationSummary {
        try register(bytes: Array(text.utf8), format: format, options: options, rejects: rejects, observe: observe)
    }

    /// Registers bytes handed out `chunk` bytes per read (small by default, so records straddle reads).
    func register(
        bytes: [UInt8], format: RegistrationFormat = .csv, options: RegistrationOptions = .init(), rejects: String? = nil, chunk: Int? = 7,
        observe: ((RegistrationRowResult) -> Void)? = nil
    ) throws -> RegistrationSummary {
        let admission = try admission()
        defer { admission.close() }
        return try admission.register(
            bytes: MemoryByteSource(bytes, maximumChunkSize: chunk), name: "users.csv", format: format, options: options,
            rejectsFile: rejects, observe: observe)
    }

    /// The first column of `sql`'s rows, as text: SQL that SQLite and PostgreSQL read alike
    /// (`||`, `coalesce`, `CASE`, `CAST(… AS text)`), read beside whatever else has the database open.
    func texts(_ sql: String) throws -> [String] {
        switch kind {
        case .sqlite: return try Self.texts(sql, Connection(path: databasePath, mode: .readOnly))
        case .postgres: return try database.texts(sql)
        }
    }

    /// (A NULL fails the test, as PostgreSQL's decoding does.)
    static func texts(_ sql: String, _ connection: Connection) throws -> [String] {
        try connection.query(sql) { $0.string(0) }.map { try #require($0, "NULL from \(sql)") }
    }

    /// Every user as `email|name|profession|country|account|subscription|external_id`, by email.
    func userRows() throws -> [String] {
        try Self.byEmail(texts(Self.userRowsQuery))
    }

    static func userRows(_ connection: Connection) throws -> [String] {
        try byEmail(texts(userRowsQuery, connection))
    }

    static let userRowsQuery = """
        SELECT email || '|' || name || '|' || profession || '|' || coalesce(country, '') || '|' || account || '|' || subscription
            || '|' || coalesce(external_id, '') FROM users
        """

    /// Every current enrolment as `email|package|source|forced`, by email and package.
    func enrolmentRows() throws -> [String] {
        try Self.byEmail(texts(Self.enrolmentRowsQuery))
    }

    static func enrolmentRows(_ connection: Connection) throws -> [String] {
        try byEmail(texts(enrolmentRowsQuery, connection))
    }

    static let enrolmentRowsQuery = """
        SELECT u.email || '|' || e.package_id || '|' || e.source || '|' || CASE WHEN e.forced THEN '1' ELSE '0' END
        FROM enrolments e JOIN users u ON u.id = e.user_id WHERE e.withdrawn_at IS NULL
        """

    /// Rows that start with an email, in the order of the email, then of the rest (the order of
    /// text is each database's own, hence sorted here).
    static func byEmail(_ rows: [String]) -> [String] {
        rows.sorted { ($0.prefix { $0 != "|" }, $0) < ($1.prefix { $0 != "|" }, $1) }
    }

    /// PostgreSQL's `audit_changes.kind` (a number) as the kind's name.
    static let changeKindName =
        "CASE kind "
        + AuditKind.allCases.compactMap { kind in kind.changeNumber.map { "WHEN \($0) THEN '\(kind.rawValue)'" } }.joined(separator: " ")
        + " END"

    /// How many audit rows of each kind there are.
    func auditKinds() throws -> [String: Int] {
        let query: String
        switch kind {
        case .sqlite:
            query = "SELECT kind || '|' || count(*) FROM audit_log GROUP BY kind"
        case .postgres:
            query = """
                SELECT kind || '|' || count(*) FROM audit_events GROUP BY kind
                UNION ALL SELECT \(Self.changeKindName) || '|' || count(*) FROM audit_changes GROUP BY kind
                UNION ALL SELECT 'decision|' || count(*) FROM audit_decisions HAVING count(*) > 0
                """
        }
        return Dictionary(
            uniqueKeysWithValues: try texts(query).map { row in
                let parts = row.split(separator: "|")
                return (String(parts[0]), Int(parts[1])!)
            })
    }

    /// Import batch `id` by column (`file_name`, `status`, `sha256`, `actor`, `counts`, and
    /// `ended`: yes or no), if there is one.
    func importBatch(_ id: Int64) throws -> [String: String]? {
        try importBatches(where: "id = \(id)").first
    }

    /// Every import batch, oldest first, by column (as `importBatch`, with `id`).
    func importBatches(where condition: String = "TRUE") throws -> [[String: String]] {
        let columns = ["id", "file_name", "status", "sha256", "actor", "counts", "ended"]
        return try texts(
            """
            SELECT CAST(id AS text) || '|' || file_name || '|' || status || '|' || sha256 || '|' || actor || '|' || coalesce(counts, '')
                || '|' || CASE WHEN ended_at IS NULL THEN 'no' ELSE 'yes' END FROM import_batches WHERE \(condition) ORDER BY id
            """
        ).map { row in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(cells.count == columns.count, "a '|' in a value of \(row)")
            return Dictionary(uniqueKeysWithValues: zip(columns, cells))
        }
    }

    /// The audit rows of import batch `id` in the order they were appended, as `kind user`
    /// (user 0 for the batch's own events).
    func batchAuditRows(_ id: Int64) throws -> [String] {
        switch kind {
        case .sqlite:
            return try texts("SELECT kind || ' ' || coalesce(user_id, 0) FROM audit_log WHERE batch_id = \(id) ORDER BY seq")
        case .postgres:
            return try texts(
                """
                SELECT row FROM (SELECT seq, kind || ' 0' AS row FROM audit_events WHERE batch_id = \(id)
                    UNION ALL SELECT seq, \(Self.changeKindName) || ' ' || CAST(user_id AS text) FROM audit_changes
                    WHERE batch_id = \(id)) AS rows ORDER BY seq
                """)
        }
    }

    /// The user with this address as the `users` table has it; the log's latest state of the user
    /// must say the same.
    func user(_ email: String) throws -> User? {
        let admission = try admission()
        defer { admission.close() }
        let address = try EmailAddress(email)
        let row = try #require(admission.storage as? any ReportStore).user(email: address)
        let state = try admission.storage.userID(email: address).flatMap { try admission.storage.userState($0) }
        #expect(row == state?.user, "the users table and the log's state of \(email) differ")
        return row
    }
}

extension RegistrationSummary {
    /// The classes of the kept rejects, with their lines: `["4 invalid-value", …]`.
    var rejectLines: [String] { firstRejects.map { "\($0.line) \($0.rejectClass.rawValue)" } }
}
