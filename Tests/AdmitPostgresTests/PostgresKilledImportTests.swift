import Admit
import AdmitPostgres
import AdmitTestSupport
import Foundation
import Testing

/// `kill -9` in the middle of an import on PostgreSQL, then the same command again: the end
/// state is that of one clean run (in `PostgresCommandTests`, with the built `admit`).
extension PostgresCommandTests {
    static let killedRows = 12_000

    /// `killedRows` users, with a repeated address and an invalid country in every thousand.
    static func killedCSV() -> String {
        var text = "email,name,profession,country,external_id\r\n"
        for i in 0..<killedRows {
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

    @Test func anImportKilledMidwayOnPostgresAndRunAgainEndsAsOneCleanRun() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let file = place.directory + "/users.csv"
            try Self.killedCSV().write(toFile: file, atomically: true, encoding: .utf8)
            let arguments = [
                "register", file, "--db", place.database, "--seeds", place.directory + "/Seeds", "--policies", AdmissionPlace.policies,
                "--package", "idor-2020", "--at", "2020-11-15T10:00:00+01:00", "--chunk-size", "700", "--json",
            ]
            let url = try #require(place.url)
            // Killed once more than 2,000 users are committed (the seed's four aside).
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var atKill = 0
            while process.isRunning {
                atKill = (try? await TestServer.integers("SELECT count(*) FROM users", on: url).first) ?? 0
                if atKill > 2_004 {
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "the import ended before it was killed: make the file longer")
            let committed = try await TestServer.integers("SELECT count(*) FROM users", on: url).first ?? 0
            #expect(committed < 4 + 11_976, "killed before the end")
            #expect(try await place.integer("SELECT count(*) FROM import_batches WHERE status = 'running'") == 1)
            // Each committed user came with its enrolment and their state rows: whole chunks only.
            // (The seeds hold four users and three enrolments.)
            #expect(try await place.integer("SELECT count(*) FROM enrolments") == committed - 4 + 3)

            let again = try admit(arguments)
            #expect(again.status == 1, "rows are rejected: \(again.stderr)")
            // 12,000 rows: 12 repeated addresses and 12 invalid countries rejected.
            #expect(try await place.integer("SELECT count(*) FROM users") == 4 + 11_976)
            #expect(try await place.integer("SELECT count(*) FROM enrolments WHERE batch_id IS NOT NULL") == 11_976, "no enrolment twice")
            #expect(try await place.integer("SELECT count(DISTINCT user_id) FROM enrolments WHERE batch_id IS NOT NULL") == 11_976)
            #expect(try await place.integer("SELECT count(*) FROM audit_changes WHERE kind = 1") == 4 + 11_976, "one creation each")
            let verified = try admit(["audit", "verify", "--db", place.database, "--policies", AdmissionPlace.policies])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
    }
}
