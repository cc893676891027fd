import AdmitDomain
import AdmitStore
import Foundation
import Testing

/// Temporary databases and sample values for the store tests.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "admit-store-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum StoreFixtures {
    static let vienna = Zone(identifier: "Europe/Vienna")!
    static let now = Instant(millisecondsSinceEpoch: 1_605_000_000_000)

    static let catalog = Catalog(packages: [
        Package(
            id: "idor-2020", title: "IDoR 2020: imaging and COVID-19", platform: "ESR Connect", zone: vienna,
            lectures: (1...3).map {
                Lecture(id: LectureID("idor-2020-0\($0)"), package: "idor-2020", position: $0, title: "Lecture \($0) of 3")
            })
    ])

    static func newUser(_ email: String, name: String = "Ada", externalID: String? = nil) -> NewUser {
        NewUser(
            email: try! EmailAddress(email), name: name, profession: .radiologist, country: CountryCode("AT"), account: .active,
            subscription: .none, registeredAt: now, externalID: externalID)
    }

    /// Who makes the fixtures' changes, and when.
    static let context = ChangeContext(recordedAt: now, actor: "test")

    /// A store with the catalog and one user.
    static func seeded(_ path: String) throws -> (Store, User) {
        let store = try Store(path: path)
        let user = try store.write {
            try store.insert(catalog)
            return try #require(try store.createUser(newUser("ada@example.org"), context)).user
        }
        return (store, user)
    }

    /// Creates a user; fails the test when the address is taken.
    static func create(_ store: Store, _ user: NewUser) throws -> User {
        try store.write { try #require(try store.createUser(user, context)).user }
    }

    static func decision(_ n: Int, user: UserID) -> DecisionRecord {
        DecisionRecord(
            recordedAt: now, actor: "test", user: user, factsVersion: 1, lecture: "idor-2020-01",
            at: Instant(millisecondsSinceEpoch: 1_605_000_000_000 + Int64(n)), effect: n % 2 == 0 ? .allow : .deny,
            policyHash: "sha256:test", code: [1, UInt8(n % 256), 0, 0])
    }

    /// Runs the `sqlite3` shell on `path` with `sql` on standard input; returns its output.
    @discardableResult
    static func shell(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let hasShell = FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
}
