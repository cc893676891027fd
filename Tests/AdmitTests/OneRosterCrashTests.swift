import Admit
import AdmitDomain
import Foundation
import SQLite
import Testing

/// `kill -9` in the middle of a OneRoster import (once among the users, once among the
/// enrolments), then the same command again: the end state is that of one clean run.
@Suite("OneRoster: killed and run again", .serialized)
struct OneRosterCrashTests {
    static let users = 8_000

    /// A 1.1 bulk package of `users` users, each enrolled in one class; every thousandth user
    /// has no address (rejected, and so is their enrolment).
    static func package(at path: String) throws {
        var users =
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,"
            + "identifier,email,sms,phone,agentSourcedIds,grades,password\r\n"
        var enrollments = RosterFixtures.enrollmentsHeader
        for i in 0..<Self.users {
            let email = i % 1000 == 700 ? "" : "user\(i)@example.org"
            users += "s\(i),,,true,org1,student,user\(i),\"{LDAP:\(i)},{LTI:\(i)}\",Given \(i),\"Family, \(i)\",,,\(email),,,,,\r\n"
            enrollments += "e\(i),,,c1,org1,s\(i),student,,2020-11-\(10 + i % 5),\(i % 3 == 0 ? "2020-11-30" : "")\n"
        }
        try RosterFixtures.folder(
            [
                "manifest.csv": RosterFixtures.manifest("1.1", ["users": "bulk", "enrollments": "bulk", "classes": "bulk"]),
                "users.csv": users, "classes.csv": RosterFixtures.classes, "enrollments.csv": enrollments,
            ], at: path)
    }

    func arguments(_ fixture: borrowing RegistrationFixture, package: String, db: String) -> [String] {
        [
            "register", "--format", "oneroster", package, "--class-map", fixture.directory.file("map.csv"), "--db", db, "--seeds",
            fixture.directory.file("Seeds"), "--policies", fixture.directory.file("Policies"), "--at", "2020-11-15T10:00:00+01:00",
            "--chunk-size", "200", "--json",
        ]
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(RegistrationCrashTests.admit))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts the import and kills it with SIGKILL once `count` (an SQL count) exceeds `after`;
    /// true when it was killed, false when it finished first.
    func runAndKill(_ arguments: [String], db: String, count sql: String, after: Int) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(RegistrationCrashTests.admit))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning {
            if let connection = try? Connection(path: db, mode: .readOnly),
                let count = try? connection.queryFirst(sql, row: { Int($0.int64(0)) }), count > after
            {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(1000)
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    @Test("A OneRoster import killed among its users and among its enrolments, run again, ends as one clean run")
    func killedAndRerun() throws {
        try #require(RegistrationCrashTests.admit != nil, "build the admit executable first (swift build)")
        let fixture = try RegistrationFixture()
        let package = fixture.directory.file("roster")
        try Self.package(at: package)
        try fixture.directory.write("map.csv", "class,package\nc1,idor-2020\n")

        let clean = fixture.directory.file("clean.sqlite")
        #expect(try run(arguments(fixture, package: package, db: clean)) == 1, "some rows are rejected, so the exit status is 1")

        let killed = fixture.directory.file("killed.sqlite")
        let args = arguments(fixture, package: package, db: killed)
        #expect(try runAndKill(args, db: killed, count: "SELECT count(*) FROM users", after: Int.random(in: 1_000...5_000)))
        #expect(try runAndKill(args, db: killed, count: "SELECT count(*) FROM enrolments", after: Int.random(in: 1_000...5_000)))
        #expect(try run(args) == 1)

        let cleanDB = try Connection(path: clean, mode: .readOnly)
        let killedDB = try Connection(path: killed, mode: .readOnly)
        let cleanUsers = try RegistrationFixture.userRows(cleanDB)
        #expect(cleanUsers.count == 1 + Self.users - Self.users / 1000)
        #expect(try RegistrationFixture.userRows(killedDB) == cleanUsers)
        let enrolments = """
            SELECT u.email, e.package_id, e.enrolled_at, coalesce(e.withdrawn_at, -1) FROM enrolments e JOIN users u ON u.id = e.user_id
            ORDER BY u.email, e.enrolled_at
            """
        let rows = { (connection: Connection) in
            try connection.query(enrolments) { row in (0..<4).map { row.string(Int32($0)) ?? "" }.joined(separator: "|") }
        }
        let cleanEnrolments = try rows(cleanDB)
        #expect(cleanEnrolments.count == 1 + Self.users - Self.users / 1000)
        #expect(try rows(killedDB) == cleanEnrolments)
        let added = "SELECT count(*) FROM audit_log WHERE kind = 'enrolment.added'"
        #expect(
            try killedDB.queryFirst(added) { $0.int64(0) } == cleanDB.queryFirst(added) { $0.int64(0) }, "no enrolment was recorded twice")
        let statuses = try killedDB.query("SELECT status FROM import_batches ORDER BY id") { $0.string(0) ?? "" }
        #expect(statuses == ["running", "running", "completed"])
        let admission = try Admission(
            configuration: AdmitConfiguration(
                databasePath: killed, seedsDirectory: fixture.directory.file("Seeds"), policyPaths: [fixture.directory.file("Policies")],
                policyPathsGiven: true, actor: "test"))
        defer { admission.close() }
        #expect(try admission.store.verifyAudit().isIntact)
    }
}
