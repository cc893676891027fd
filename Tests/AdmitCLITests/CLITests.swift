import AdmitJSON
import Foundation
import Testing

@Suite struct CheckCLITests {
    let check = ["check", "--lecture", "idor-2020-07"]

    @Test func theREADMECommandAllowsAda() throws {
        let cli = CLI()
        let result = try cli.run(check + ["--user", "ada@example.org", "--at", "2020-11-15T10:00:00+01:00"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("allow: ada@example.org may open idor-2020-07 at 2020-11-15T10:00:00+01:00\n"))
        #expect(result.stdout.contains("permit 'free-access' applies"))
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: [
        ("ada@example.org", "2020-11-20T23:59:59.999+01:00", Int32(0), "allow"),
        ("ada@example.org", "2020-11-21T00:00:00.000+01:00", 1, "deny"),
        ("ada@example.org", "2020-11-20T22:59:59.999Z", 0, "allow"),
        ("ada@example.org", "2020-11-20T23:00:00.000Z", 1, "deny"),
        ("ben@example.org", "2020-11-15T10:00:00+01:00", 1, "deny"),
        ("cleo@example.org", "2020-11-15T10:00:00+01:00", 1, "deny"),
        ("dan@example.org", "2020-11-25T10:00:00+01:00", 0, "allow"),
    ])
    func exitStatusAndJSON(user: String, at: String, status: Int32, decision: String) throws {
        let result = try CLI().run(check + ["--user", user, "--at", at, "--json"])
        #expect(result.status == status)
        let json = try #require(result.json, "\(result.stdout)")
        #expect(json["decision"]?.stringValue == decision)
        #expect(json["reasons"]?.arrayValue?.isEmpty == false)
        #expect(json["policy"]?.stringValue?.hasPrefix("sha256:") == true)
        #expect(!result.stdout.dropLast().contains("\n"), "one line when not a terminal")
    }

    @Test("a PostgreSQL URL for --db or $ADMIT_DB with no server there: one line naming host and port, the password masked, no file made")
    func postgresURLWithoutAServer() throws {
        let cli = CLI()
        for (arguments, environment, expected) in [
            (["--db", "postgresql://admit:s3cret@127.0.0.1:1/admit"], [String: String](), "PostgreSQL is not reachable at 127.0.0.1:1"),
            ([], ["ADMIT_DB": "postgres://admit:s3cret@127.0.0.1:1/admit"], "PostgreSQL is not reachable at 127.0.0.1:1"),
            (
                ["--db", "POSTGRESQL://admit:s3cret@127.0.0.1:1/admit?password=s3cret"], [:],
                "'POSTGRESQL://admit:***@127.0.0.1:1/admit?password=***' is not a PostgreSQL URL"
            ),
        ] {
            let result = try cli.runOnTheDefaultDatabase(
                ["check", "--user", "ada@example.org", "--lecture", "idor-2020-07"] + arguments, environment: environment)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("error: \(expected)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!result.stderr.contains("s3cret"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory).isEmpty)
        }
    }

    @Test func theProcessTimeZoneChangesNothing() throws {
        let cli = CLI()
        var outputs: Set<String> = []
        for tz in ["UTC", "Europe/Vienna", "Pacific/Kiritimati", "America/Los_Angeles"] {
            let result = try cli.run(
                check + ["--user", "ada@example.org", "--at", "2020-11-20T23:59:59.999+01:00", "--json"], environment: ["TZ": tz])
            #expect(result.status == 0)
            var json = try #require(result.json?.objectValue)
            json["auditSeq"] = nil
            outputs.insert(JSONValue.object(json).serialized())
        }
        #expect(outputs.count == 1)
    }

    @Test(arguments: [
        (["--user", "nobody@example.org", "--at", "2020-11-15T10:00:00Z"], "error: unknown user 'nobody@example.org'"),
        (["--user", "ada@example.org", "--at", "2020-11-15T10:00:00"], "error: --at: '2020-11-15T10:00:00' has no offset"),
        (["--user", "ada@example.org", "--at", "2020-11-15"], "error: --at: '2020-11-15' is a date, not an instant"),
        (["--user", "ada@example.org", "--at", "tomorrow"], "error: --at: 'tomorrow' is not a date or time"),
    ])
    func badInputIsOneLineAndExitTwo(arguments: [String], message: String) throws {
        let result = try CLI().run(check + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownLectureSuggestsTheClosest() throws {
        let result = try CLI().run(["check", "--user", "ada@example.org", "--lecture", "idor-2020-77"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: unknown lecture 'idor-2020-77'; did you mean 'idor-2020-07'?\n")
    }
}

@Suite struct DatabaseFaultCLITests {
    let arguments = ["check", "--user", "ada@example.org", "--lecture", "idor-2020-07", "--at", "2020-11-15T10:00:00Z"]

    @Test func notADatabase() throws {
        let cli = CLI()
        let path = cli.directory + "/notes.txt"
        try "just some notes\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try cli.run(arguments, database: path)
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(path): file is not a database\n")
    }

    @Test func missingDirectory() throws {
        let path = "/no-such-dir-\(UUID().uuidString)/admit.sqlite"
        let result = try CLI().run(arguments, database: path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(path): cannot create the database: directory"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func truncatedDatabase() throws {
        let cli = CLI()
        #expect(try cli.run(arguments).status == 0)
        for _ in 0..<3 { _ = try cli.run(arguments) }
        _ = try cli.shell("PRAGMA wal_checkpoint(TRUNCATE);")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: cli.database)[.size] as? Int)
        #expect(truncate(cli.database, off_t(size / 2)) == 0)
        let result = try cli.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(cli.database): "), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func readOnlyDatabase() throws {
        let cli = CLI()
        #expect(try cli.run(arguments).status == 0)
        // Root ignores file modes; SQLite's read-only URI gives the same failure for everyone.
        let result = try cli.run(arguments, database: "file:\(cli.database)?mode=ro")
        #expect(result.status == 2)
        #expect(result.stderr.contains("readonly"), "\(result.stderr)")
        #expect(result.stderr.contains(cli.database), "the error names the database: \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        // What only reads still works.
        let when = try cli.run(
            ["when", "--user", "ada@example.org", "--lecture", "idor-2020-07"], database: "file:\(cli.database)?mode=ro")
        #expect(when.status == 0, "\(when.stderr)")
        let verify = try cli.run(["audit", "verify"], database: "file:\(cli.database)?mode=ro")
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func busyDatabaseTimesOut() throws {
        let cli = CLI()
        #expect(try cli.run(arguments).status == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [cli.database]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let more = output.fileHandleForReading.availableData  // empty only at the end of its output
            try #require(!more.isEmpty, "sqlite3 ended before printing 'locked': \(String(decoding: seen, as: UTF8.self))")
            seen += more
        }
        let before = try #require(Int(try cli.shell("SELECT count(*) FROM audit_log;").trimmingCharacters(in: .whitespacesAndNewlines)))
        let result = try cli.run(arguments + ["--busy-timeout", "0.3"])
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(result.status == 2)
        #expect(result.stderr.contains("database is busy"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        let after = Int(try cli.shell("SELECT count(*) FROM audit_log;").trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(after == before)
    }

    @Test func twoProcessesEnrollingTheSameUserLeaveOneRow() throws {
        let cli = CLI()
        #expect(try cli.run(arguments).status == 0)
        let enrol = ["enrol", "--user", "ben@example.org", "--package", "idor-2020", "--at", "2020-11-15T10:00:00+01:00"]
        let processes = (0..<6).map { _ in cli.start(enrol) }
        for process in processes {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let rows = try cli.shell("SELECT count(*) FROM enrolments e JOIN users u ON u.id = e.user_id WHERE u.email = 'ben@example.org';")
        #expect(rows == "1\n")
        #expect(try cli.shell("SELECT count(*) FROM audit_log WHERE kind = 'enrolment.added' AND user_id = 2;") == "1\n")
    }
}

@Suite struct OtherCommandsCLITests {
    @Test func auditVerifyFindsARowEditedInTheShell() throws {
        let cli = CLI()
        let check = ["check", "--user", "ben@example.org", "--lecture", "idor-2020-07", "--at", "2020-11-15T10:00:00Z"]
        for _ in 0..<3 { #expect(try cli.run(check).status == 1) }
        let intact = try cli.run(["audit", "verify"])
        #expect(intact.status == 0)
        #expect(intact.stdout.hasPrefix("hash chain intact: 11 rows"))
        _ = try cli.shell("DROP TRIGGER audit_decisions_no_update; UPDATE audit_decisions SET effect = 0 WHERE seq = 10;")
        let broken = try cli.run(["audit", "verify", "--json"])
        #expect(broken.status == 1)
        #expect(broken.json?["intact"] == false)
        #expect(broken.json?["firstBrokenRow"]?.int64Value == 10)
    }

    @Test func policyCheckReportsEveryErrorCompilerStyle() throws {
        let cli = CLI()
        let folder = cli.directory + "/policies"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "window free from 2020-11-08 in Europe/Viena\npermit p: open lecture \"idor-2020-7\" when now in free\n"
            .write(toFile: folder + "/bad.policy", atomically: true, encoding: .utf8)
        let result = try cli.run(["policy", "check", folder])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(folder)/bad.policy:1:32: error: unknown time zone 'Europe/Viena'; did you mean 'Europe/Vienna'?"))
        #expect(result.stderr.contains("\(folder)/bad.policy:2:24: error: unknown lecture 'idor-2020-7'"))
        #expect(result.stderr.contains("2 errors"))
        #expect(!FileManager.default.fileExists(atPath: cli.database), "policy check creates no database")
    }

    @Test func policyCheckWarnsWithLocationsAndStrictMakesWarningsFail() throws {
        let cli = CLI()
        #expect(try cli.run(["policy", "check", "--strict"]).status == 0, "the shipped policy has no warnings")
        let folder = cli.directory + "/policies"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
        window after from 2020-11-22 in Europe/Vienna
        window spare from 2021-01-01 in Europe/Vienna
        permit during: open lecture in package "idor-2020"
          when now in free
        permit later: open lecture in package "idor-2020"
          when now in after

        """.write(toFile: folder + "/w.policy", atomically: true, encoding: .utf8)
        let result = try cli.run(["policy", "check", folder])
        #expect(result.status == 0)
        #expect(result.stdout.contains("2 warnings"))
        #expect(result.stderr.contains("\(folder)/w.policy:2:8: warning: windows 'free' and 'after' are chained by rules but leave a gap"))
        #expect(result.stderr.contains("\(folder)/w.policy:3:8: warning: window 'spare' is used by no rule"))
        #expect(result.stderr.contains("2 warnings"))
        #expect(try cli.run(["policy", "check", "--strict", folder]).status == 1)
    }

    @Test func policyTestRunsTheShippedTests() throws {
        let result = try CLI().run(["policy", "test"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
    }

    @Test func enrolOutsideTheWindowIsRefusedThenForced() throws {
        let cli = CLI()
        let enrol = ["enrol", "--user", "ben@example.org", "--package", "idor-2020", "--at", "2020-12-01T10:00:00+01:00"]
        let refused = try cli.run(enrol)
        #expect(refused.status == 1)
        #expect(refused.stdout.hasPrefix("refused: ben@example.org may not enrol in idor-2020"))
        let forced = try cli.run(enrol + ["--force", "--json"])
        #expect(forced.status == 0)
        #expect(forced.json?["forced"] == true)
        #expect(
            try cli.shell("SELECT forced FROM enrolments e JOIN users u ON u.id = e.user_id WHERE u.email = 'ben@example.org';") == "1\n")
        // Asking again for an earlier start changes nothing, and says from when the enrolment counts.
        let earlier = try cli.run(["enrol", "--user", "ben@example.org", "--package", "idor-2020", "--at", "2020-11-15T10:00:00+01:00"])
        #expect(earlier.status == 0)
        #expect(
            earlier.stdout == """
                already enrolled: ben@example.org in idor-2020 since 2020-12-01T10:00:00+01:00; nothing changed
                  note: the enrolment counts from 2020-12-01T10:00:00+01:00, not from 2020-11-15T10:00:00+01:00

                """)
    }

    @Test func withoutDbTheDatabaseIsAdmitDBElseAdmitSqliteInTheWorkingDirectory() throws {
        let cli = CLI()
        let check = ["check", "--user", "ada@example.org", "--lecture", "idor-2020-07", "--at", "2020-11-15T10:00:00+01:00"]
        let fromEnvironment = cli.directory + "/from-env.sqlite"
        #expect(try cli.runOnTheDefaultDatabase(check, environment: ["ADMIT_DB": fromEnvironment]).status == 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment))
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/admit.sqlite"))
        let local = try cli.runOnTheDefaultDatabase(check)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout.contains("logged as #9"), "a new database, seeded: \(local.stdout)")
        #expect(FileManager.default.fileExists(atPath: cli.directory + "/admit.sqlite"))
    }

    @Test func policyTestFailsOnAWrongExpectationAndOnABrokenTestsFile() throws {
        let cli = CLI()
        let folder = cli.directory + "/policies"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cli.root.path + "/Policies/idor-2020.policy", toPath: folder + "/idor-2020.policy")
        let wrong =
            "user ada enrolled in \"idor-2020\" at 2020-11-09T10:00:00+01:00\nexpect deny ada open \"idor-2020-07\" at 2020-11-15T10:00:00+01:00\n"
        try wrong.write(toFile: folder + "/idor-2020.tests", atomically: true, encoding: .utf8)
        let failed = try cli.run(["policy", "test", folder])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("idor-2020.tests:2:"), "\(failed.stdout)")
        #expect(failed.stdout.hasSuffix("0 passed, 1 failed\n"))
        try "expect allow nobody open \"idor-2020-07\" at 2020-11-15T10:00:00+01:00\n".write(
            toFile: folder + "/idor-2020.tests", atomically: true, encoding: .utf8)
        let broken = try cli.run(["policy", "test", folder])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("idor-2020.tests:1:"), "\(broken.stderr)")
    }

    @Test func registerFromTheCommandLine() throws {
        let cli = CLI()
        try "email,name,profession\nzoe@example.org,Zoë,radiologist\n".write(
            toFile: cli.directory + "/ok.csv", atomically: true, encoding: .utf8)
        let ok = try cli.run(["register", cli.directory + "/ok.csv", "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.json?["created"] == 1)
        let again = try cli.run(["register", "-", "--json"], stdin: "email,name,profession\nzoe@example.org,Zoë,radiologist\n")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.json?["unchanged"] == 1, "standard input, and the same row again")
        try "email,nmae\nx@example.org,X\n".write(toFile: cli.directory + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try cli.run(["register", cli.directory + "/bad.csv"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: ") && bad.stderr.filter { $0 == "\n" }.count == 1, "\(bad.stderr)")
        #expect(bad.stderr.contains("did you mean 'name'"))
        #expect(try cli.shell("SELECT count(*) FROM users WHERE email = 'x@example.org';") == "0\n")
    }

    @Test func decisionsAsCSVUseThePackagesZoneLikeTheOtherFormats() throws {
        let cli = CLI()
        _ = try cli.run(["check", "--user", "ada@example.org", "--lecture", "idor-2020-07", "--at", "2020-11-15T09:00:00Z"])
        let csv = try cli.run(["audit", "decisions", "--format", "csv"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(whereSeparator: \.isNewline)  // CRLF, as RFC 4180 says
        #expect(lines.first == "seq,recorded_at,actor,user,action,package,lecture,at,decision,reasons,policy,external_id")
        #expect(lines.count == 2)
        #expect(lines.last?.contains(",2020-11-15T10:00:00+01:00,allow,permitted,") == true, "\(csv.stdout)")
    }

    @Test func whenPrintsTheExactSpan() throws {
        let result = try CLI().run(["when", "--user", "ada@example.org", "--lecture", "idor-2020-07", "--at", "2020-11-15T00:00:00Z"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("from 2020-11-09T10:00:00+01:00 until 2020-11-21T00:00:00+01:00"))
        #expect(result.stdout.contains("the answer is allow; it changes at 2020-11-21T00:00:00+01:00"))
    }

    @Test func whenForAUserWhoIsNotEnrolledSaysWhatWouldOpenIt() throws {
        let result = try CLI().run(["when", "--user", "ben@example.org", "--lecture", "idor-2020-07"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("  never as things stand\n"), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "  would open from 2020-11-08T00:00:00+01:00 until 2020-11-21T00:00:00+01:00 if enrolled in 'idor-2020' before 2020-11-21T00:00:00+01:00\n"
                    + "  (they may enrol themselves from 2020-11-08T00:00:00+01:00 until 2020-11-21T00:00:00+01:00)"),
            "\(result.stdout)")
    }
}
