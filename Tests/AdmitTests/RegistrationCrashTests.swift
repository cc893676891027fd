import Admit
import AdmitDomain
import Foundation
import SQLite
import Testing

/// `kill -9` in the middle of an import, then the same command again: the end state is that of
/// one clean run. Runs the real `admit` binary built beside the tests.
@Suite("Registration: killed and run again", .serialized)
struct RegistrationCrashTests {
    static let rows = 20_000

    /// The `admit` executable next to the test bundle (`swift build` puts both in the same folder).
    static var admit: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("admit").path,
            FileManager.default.currentDirectoryPath + "/.build/debug/admit",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A file of `rows` users, with a duplicate and an invalid row sprinkled in every thousand.
    static func csv() -> String {
        var text = "email,name,profession,country,external_id\r\n"
        for i in 0..<rows {
            if i % 1000 == 500 {
                text += "User\(i - 1)@Example.org,Duplicate,other,AT,\r\n"
            } else if i % 1000 == 700 {
                text += "user\(i)@example.org,Invalid,other,QQ,\r\n"
            } else {
                text += "user\(i)@example.org,\"Name \(i), Jr.\",\(i % 2 == 0 ? "radiologist" : "other"),AT,EXT-\(i)\r\n"
            }
        }
        return text
    }

    func arguments(_ fixture: borrowing RegistrationFixture, file: String, db: String) -> [String] {
        [
            "register", file, "--db", db, "--seeds", fixture.directory.file("Seeds"), "--policies", fixture.directory.file("Policies"),
            "--package", "idor-2020", "--at", "2020-11-15T10:00:00+01:00", "--chunk-size", "200", "--json",
        ]
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.admit))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts the import and kills it with SIGKILL once more than `after` users are committed.
    /// Returns the number of users committed at the kill, or nil if the import finished first.
    func runAndKill(_ arguments: [String], db: String, after: Int) throws -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.admit))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var committed = 0
        while process.isRunning {
            if let connection = try? Connection(path: db, mode: .readOnly),
                let count = try? connection.queryFirst("SELECT count(*) FROM users", row: { Int($0.int64(0)) })
            {
                committed = count
                if count > after {
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
            }
            usleep(1000)
        }
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal else { return nil }
        return (try? Connection(path: db, mode: .readOnly).queryFirst("SELECT count(*) FROM users", row: { Int($0.int64(0)) })) ?? committed
    }

    @Test("An import killed twice at random moments and run again ends exactly as one clean run")
    func killedAndRerun() throws {
        try #require(Self.admit != nil, "build the admit executable first (swift build)")
        let fixture = try RegistrationFixture()
        try fixture.directory.write("users.csv", Self.csv())
        let file = fixture.directory.file("users.csv")

        let clean = fixture.directory.file("clean.sqlite")
        #expect(try run(arguments(fixture, file: file, db: clean)) == 1, "the file has rejects, so the exit status is 1")

        let killed = fixture.directory.file("killed.sqlite")
        let first = try runAndKill(arguments(fixture, file: file, db: killed), db: killed, after: Int.random(in: 1_000...6_000))
        let second = try runAndKill(arguments(fixture, file: file, db: killed), db: killed, after: Int.random(in: 8_000...14_000))
        let firstCount = try #require(first, "the first run finished before it could be killed")
        let secondCount = try #require(second, "the second run finished before it could be killed")
        #expect(firstCount < Self.rows && secondCount < Self.rows)
        #expect(try run(arguments(fixture, file: file, db: killed)) == 1)

        let cleanDB = try Connection(path: clean, mode: .readOnly)
        let killedDB = try Connection(path: killed, mode: .readOnly)
        let cleanUsers = try RegistrationFixture.userRows(cleanDB)
        #expect(cleanUsers.count == 1 + Self.rows - 2 * (Self.rows / 1000))
        #expect(try RegistrationFixture.userRows(killedDB) == cleanUsers)
        #expect(try RegistrationFixture.enrolmentRows(killedDB) == RegistrationFixture.enrolmentRows(cleanDB))
        // No user was created twice, and every creation is in the audit log exactly once.
        let created = try killedDB.queryFirst("SELECT count(*), count(DISTINCT user_id) FROM audit_log WHERE kind = 'user.created'") {
            [$0.int64(0), $0.int64(1)]
        }
        #expect(created == [Int64(cleanUsers.count), Int64(cleanUsers.count)])
        let statuses = try killedDB.query("SELECT status FROM import_batches ORDER BY id") { $0.string(0) ?? "" }
        #expect(statuses == ["running", "running", "completed"], "a killed batch stays 'running': it never finished")

        let fixtureAdmission = try Admission(
            configuration: AdmitConfiguration(
                databasePath: killed, seedsDirectory: fixture.directory.file("Seeds"), policyPaths: [fixture.directory.file("Policies")],
                policyPathsGiven: true, actor: "test"))
        #expect(try fixtureAdmission.store.verifyAudit().isIntact)
        #expect(try fixtureAdmission.store.integrityProblems().isEmpty)
    }
}
