import Admit
import AdmitCSV
import AdmitDomain
import AdmitStore
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

/// A database with one package, one seeded user and a small policy, in a temporary folder.
///
/// The package `idor-2020` is free to enrol in from 2020-11-08 to 2020-11-20 (Vienna); `ada` is
/// seeded, active, from Austria, enrolled. Nothing is read from outside the folder.
struct RegistrationFixture: ~Copyable {
    let directory = TemporaryDirectory()
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

    init() throws {
        try FileManager.default.createDirectory(atPath: directory.file("Seeds"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.file("Policies"), withIntermediateDirectories: true)
        try directory.write("Seeds/catalog.json", Self.catalog)
        try directory.write("Seeds/users.json", Self.users)
        try directory.write("Policies/test.policy", Self.policy)
        try admission().store.close()  // creates and seeds the database
    }

    var databasePath: String { directory.file("admit.sqlite") }

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

    /// Opens the database read-only, beside whatever else has it open.
    func connection() throws -> Connection {
        try Connection(path: databasePath, mode: .readOnly)
    }

    /// Every user as `email|name|profession|country|account|subscription|external_id`, by email.
    func userRows() throws -> [String] {
        try Self.userRows(connection())
    }

    static func userRows(_ connection: Connection) throws -> [String] {
        try connection.query(
            "SELECT email, name, profession, coalesce(country, ''), account, subscription, coalesce(external_id, '') FROM users ORDER BY email"
        ) { row in (0..<7).map { row.string(Int32($0)) ?? "" }.joined(separator: "|") }
    }

    /// Every current enrolment as `email|package|source|forced`, by email.
    static func enrolmentRows(_ connection: Connection) throws -> [String] {
        try connection.query(
            """
            SELECT u.email, e.package_id, e.source, e.forced FROM enrolments e JOIN users u ON u.id = e.user_id
            WHERE e.withdrawn_at IS NULL ORDER BY u.email, e.package_id
            """
        ) { row in "\(row.string(0) ?? "")|\(row.string(1) ?? "")|\(row.string(2) ?? "")|\(row.int64(3))" }
    }

    /// How many audit rows of each kind there are.
    func auditKinds() throws -> [String: Int] {
        let rows = try connection().query("SELECT kind, count(*) FROM audit_log GROUP BY kind") { ($0.string(0) ?? "", Int($0.int64(1))) }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    func user(_ email: String) throws -> User? {
        let admission = try admission()
        defer { admission.close() }
        return try admission.store.user(email: EmailAddress(email))
    }
}

extension RegistrationSummary {
    /// The classes of the kept rejects, with their lines: `["4 invalid-value", …]`.
    var rejectLines: [String] { firstRejects.map { "\($0.line) \($0.rejectClass.rawValue)" } }
}
