import Admit
import AdmitDomain
import AdmitJSON
import AdmitTestSupport
import Foundation
import SQLite
import Testing

@Suite("OneRoster: register a package")
struct OneRosterTests {
    static let expectedUsers = [
        "ada@example.org|Ada|radiologist|AT|active|none|",
        "bea@example.org|Bea Müller, MD|other||active|none|u1",
        "carl@example.org|Carl Quoted\r\nNewline|other||active|none|u2",
        "dora@example.org|Dora Suspended|other||suspended|none|u3",
    ]
    static let expectedEnrolments = [
        "ada@example.org|idor-2020|2020-11-09T09:00:00Z|-|self|0",
        "bea@example.org|idor-2020|2020-11-09T23:00:00Z|-|bulk|0",
        "carl@example.org|idor-2020|2020-11-07T23:00:00Z|2020-11-20T23:00:00Z|bulk|0",
    ]

    @Test(
        "A 1.1 bulk folder: users keyed by sourcedId, enrolments as whole days in the package's zone, every problem located",
        arguments: StoreKind.allCases)
    func bulkFolder(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        let summary = try fixture.registerRoster(package, rejects: fixture.directory.file("rejects.csv"))

        #expect(summary.format == .oneroster)
        #expect(summary.rows == 12)
        #expect(summary.created == 3 && summary.updated == 0 && summary.unchanged == 0)
        #expect(summary.rejected == 6)
        #expect(summary.committed && !summary.isComplete)
        let roster = try #require(summary.roster)
        #expect(roster.enrolled == 2 && roster.withdrawn == 1 && roster.unmapped == 1 && roster.refused == 1 && roster.unchanged == 0)
        #expect(try fixture.userRows() == Self.expectedUsers)
        #expect(try fixture.allEnrolments() == Self.expectedEnrolments)
        // The sourcedId is the user's external id, and `check` shows it.
        let admission = try fixture.admission()
        let checked = try admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T10:00:00+01:00"))
        #expect(checked.user.externalID == "u1")
        #expect(checked.json["user"]?["externalId"] == "u1")
        var writer = JSONWriter(reservingCapacity: 512)
        checked.write(to: &writer)
        #expect(try JSONParser.parse(String(decoding: writer.take(), as: UTF8.self))["user"] == checked.json["user"], "both writers agree")
        admission.close()

        let diagnostics = summary.diagnostics
        #expect(diagnostics.count == 6)
        #expect(
            diagnostics.first
                == "users.csv:6: error: email: the user has no email address (neither email nor a username that is one), "
                + "and no Admit user has sourcedId 'u4'; Admit knows users by address [missing-value]")
        #expect(
            diagnostics.dropFirst().first
                == "enrollments.csv:5: error: userSourcedId: user 'u9' is in no row of users.csv [unknown-reference]")
        #expect(
            diagnostics.dropFirst(2).first?.hasPrefix(
                "enrollments.csv:6: error: the policy does not permit enrolling dora@example.org in idor-2020 at 2020-11-10T00:00:00+01:00")
                == true)
        #expect(diagnostics.dropFirst(2).first?.hasSuffix("[enrolment-refused]") == true)
        #expect(
            Array(diagnostics.dropFirst(3)) == [
                "enrollments.csv:7: error: beginDate: '10/11/2020' is not an ISO 8601 date (YYYY-MM-DD) [invalid-value]",
                "enrollments.csv:8: error: classSourcedId: class 'c9' is in no row of classes.csv [unknown-reference]",
                "enrollments.csv:9: error: userSourcedId: user 'u4' was rejected (users.csv line 6) [unknown-reference]",
            ])

        // The rejects file names the file and line of each row, and keeps the row as it was.
        let rejects = try fixture.directory.read("rejects.csv")
        #expect(rejects.hasPrefix("error,record\r\n"))
        #expect(rejects.contains("users.csv line 6: email: the user has no email address"))
        #expect(rejects.contains("\"u4,,,true,org1,student,nomail,,No,Mail,,,,,,,,,\""))
        #expect(
            rejects.contains(
                "\r\nenrollments.csv line 8: classSourcedId: class 'c9' is in no row of classes.csv [unknown-reference],\"e7,,,c9,"))

        // One audited batch, each change with its own audit row (the seeded user and enrolment aside).
        let batches = try fixture.texts("SELECT file_name || '|' || status || '|' || sha256 FROM import_batches").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(batches.count == 1)
        #expect(batches.first?[0] == package && batches.first?[1] == "completed" && batches.first?[2].count == 64)
        let kinds = try fixture.auditKinds()
        #expect(kinds["user.created"] == 1 + 3)
        #expect(kinds["enrolment.added"] == 1 + 2)
        #expect(kinds["enrolment.withdrawn"] == 1)
        #expect(kinds["import.started"] == 1 && kinds["import.finished"] == 1)
    }

    @Test("The same package again changes nothing: every user and enrolment is found as it is", arguments: StoreKind.allCases)
    func idempotent(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        _ = try fixture.registerRoster(package)
        let before = try fixture.auditKinds()
        let again = try fixture.registerRoster(package)
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 3 && again.rejected == 6)
        let roster = try #require(again.roster)
        #expect(roster.enrolled == 0 && roster.withdrawn == 0 && roster.unchanged == 2 && roster.refused == 1)
        #expect(try fixture.userRows() == Self.expectedUsers)
        #expect(try fixture.allEnrolments() == Self.expectedEnrolments)
        var after = try fixture.auditKinds()
        after["import.started", default: 0] -= 1
        after["import.finished", default: 0] -= 1
        #expect(after == before, "a re-run adds only its batch's own rows")
    }

    @Test("A 1.2 bulk ZIP, its files in a folder of the archive, with roles.csv", arguments: StoreKind.allCases)
    func bulkZip12(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let archive = fixture.directory.file("roster.zip")
        try RosterFixtures.zip(RosterFixtures.bulk12, at: archive, prefix: "export/")
        let summary = try fixture.registerRoster(archive)
        #expect(summary.rejected == 0, "\(summary.diagnostics)")
        #expect(summary.created == 2)
        #expect(summary.roster?.enrolled == 2 && summary.roster?.withdrawn == 1)
        #expect(try fixture.userRows().contains("eve@example.org|Eve Adams|other||active|none|p1"))
        #expect(try fixture.userRows().contains("finn@example.org|Finn|other||active|none|p2"))
        #expect(try fixture.allEnrolments().contains("finn@example.org|idor-2020|2020-11-11T23:00:00Z|2020-11-30T23:00:00Z|bulk|0"))
        // The batch names the archive and its digest.
        let digest = try fixture.texts("SELECT sha256 FROM import_batches").first
        #expect(digest == (try sha256Hex(of: archive)))
    }

    @Test("A delta package: tobedeleted closes an account and withdraws an enrolment, keeping the history", arguments: StoreKind.allCases)
    func delta(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let bulk = fixture.directory.file("bulk")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: bulk)
        _ = try fixture.registerRoster(bulk)

        let delta = fixture.directory.file("delta")
        try RosterFixtures.folder(
            [
                "manifest.csv": RosterFixtures.manifest("1.1", ["users": "delta", "enrollments": "delta"]),
                "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
                    + "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
                    + "u3,tobedeleted,2020-11-16T10:00:00Z,,,,,,,,,,,,,,,\n",
                "enrollments.csv": RosterFixtures.enrollmentsHeader
                    + "e1,tobedeleted,2020-11-16T10:00:00Z,c1,org1,u1,student,,,\n"
                    + "e9,active,2020-11-16T10:00:00Z,c1,org1,u2,student,,2020-11-12,\n",
            ], at: delta)
        let at = try Instant(parsing: "2020-11-16T12:00:00+01:00")
        let summary = try fixture.registerRoster(delta, options: RegistrationOptions(at: at))
        #expect(summary.rejected == 0, "\(summary.diagnostics)")
        #expect(summary.updated == 1)
        #expect(summary.roster?.withdrawn == 1 && summary.roster?.enrolled == 1)
        #expect(try fixture.userRows().contains("dora@example.org|Dora Suspended|other||closed|none|u3"))
        #expect(
            try fixture.allEnrolments() == [
                "ada@example.org|idor-2020|2020-11-09T09:00:00Z|-|self|0",
                "bea@example.org|idor-2020|2020-11-09T23:00:00Z|2020-11-16T11:00:00Z|bulk|0",
                "carl@example.org|idor-2020|2020-11-07T23:00:00Z|2020-11-20T23:00:00Z|bulk|0",
                "carl@example.org|idor-2020|2020-11-11T23:00:00Z|-|bulk|0",
            ])
        // The delta again: the enrolment is already withdrawn, the account already closed.
        let again = try fixture.registerRoster(delta, options: RegistrationOptions(at: at))
        #expect(again.updated == 0 && again.unchanged == 1 && again.roster?.unchanged == 2 && again.roster?.withdrawn == 0)
    }

    @Test("--dry-run writes nothing; --atomic with a reject applies nothing", arguments: StoreKind.allCases)
    func modes(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        let before = try fixture.userRows()
        let plan = try fixture.registerRoster(package, options: RegistrationOptions(dryRun: true))
        #expect(plan.created == 3 && plan.roster?.enrolled == 2 && plan.batch == nil && !plan.committed)
        #expect(try fixture.userRows() == before)
        let atomic = try fixture.registerRoster(package, options: RegistrationOptions(atomic: true))
        #expect(atomic.created == 3 && !atomic.committed)
        #expect(try fixture.userRows() == before)
        #expect(try fixture.texts("SELECT status FROM import_batches") == ["failed"])
    }

    @Test(
        "Headers out of the specification's order, missing required columns, a manifest naming a missing file: all reported, nothing written",
        arguments: StoreKind.allCases)
    func packageErrors(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk11
        files["users.csv"] =
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,familyName,givenName,middleName,"
            + "identifier,email,sms,phone,agentSourcedIds,grades,password\nu1,,,true,org1,student,bea,,Bea,M,,,bea@example.org,,,,,\n"
        files["enrollments.csv"] =
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,primary,beginDate,endDate\n"
        try RosterFixtures.folder(files, at: package)
        let before = try fixture.userRows()
        var message = ""
        do {
            _ = try fixture.registerRoster(package)
        } catch let error as AdmitError {
            message = error.description
        }
        #expect(
            message.contains(
                "users.csv:1:10: error: column 'givenName' is out of the specification's order: OneRoster 1.1 puts it before 'familyName'"))
        #expect(
            message.contains(
                "enrollments.csv:1:7: error: the required column 'role' is missing: OneRoster 1.1 puts it before 'primary'"))
        #expect(try fixture.userRows() == before)
        #expect(try fixture.texts("SELECT id FROM import_batches").isEmpty)

        // A manifest that names a file the package does not have.
        try FileManager.default.removeItem(atPath: package + "/classes.csv")
        message = ""
        do { _ = try fixture.registerRoster(package) } catch let error as AdmitError { message = error.description }
        #expect(message.hasPrefix("manifest.csv:6: error: file.classes is 'bulk', but the package has no classes.csv"))

        // An extension column before a specification column.
        var extended = RosterFixtures.bulk11
        extended["classes.csv"] =
            "sourcedId,status,dateLastModified,title,metadata.room,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,"
            + "termSourcedIds,subjects,subjectCodes,periods\n"
        try RosterFixtures.folder(extended, at: package)
        message = ""
        do { _ = try fixture.registerRoster(package) } catch let error as AdmitError { message = error.description }
        #expect(
            message.contains(
                "classes.csv:1:6: error: column 'grades' of OneRoster 1.1 comes after 'metadata.room', which is not one of its columns"))
    }

    @Test("A class map that names an unknown package is an error before anything is read", arguments: StoreKind.allCases)
    func classMapErrors(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        try fixture.directory.write("map.csv", "class,package\nc1,idor-2021\nc2,idor-2020\nc2,idor-2020\n")
        let admission = try fixture.admission()
        defer { admission.close() }
        #expect {
            try admission.classMap(file: fixture.directory.file("map.csv"))
        } throws: { error in
            (error as? AdmitError)?.description.contains(
                "map.csv:2: error: package: unknown package 'idor-2021'; did you mean 'idor-2020'?")
                == true
        }
    }

    @Test("The enrolments exported as OneRoster import back into a new database as they were", arguments: StoreKind.allCases)
    func exportRoundTrip(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        _ = try fixture.registerRoster(package)
        let out = fixture.directory.file("export")
        let admission = try fixture.admission()
        let export = try admission.exportOneRoster(package: "idor-2020", to: out)
        admission.close()
        #expect(export.users == 3 && export.enrolments == 3)
        for name in ["manifest.csv", "users.csv", "enrollments.csv", "classes.csv", "courses.csv", "orgs.csv", "academicSessions.csv"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }

        let target = try RegistrationFixture(store)
        let summary = try target.registerRoster(out, map: "class,package\nidor-2020,idor-2020\n")
        #expect(summary.rejected == 0, "\(summary.diagnostics)")
        #expect(summary.created == 2 && summary.updated == 1, "ada exists: only her external id is new")
        #expect(summary.roster?.enrolled == 2 && summary.roster?.withdrawn == 1 && summary.roster?.unchanged == 1)
        let names = try target.userRows().map {
            $0.split(separator: "|", omittingEmptySubsequences: false).prefix(2).joined(separator: "|")
        }
        #expect(names == ["ada@example.org|Ada", "bea@example.org|Bea Müller, MD", "carl@example.org|Carl Quoted\r\nNewline"])
        // Whole days survive the trip; the seeded enrolment's time of day does not (OneRoster has dates).
        #expect(
            try target.allEnrolments() == [
                "ada@example.org|idor-2020|2020-11-09T09:00:00Z|-|self|0",
                "bea@example.org|idor-2020|2020-11-09T23:00:00Z|-|bulk|0",
                "carl@example.org|idor-2020|2020-11-07T23:00:00Z|2020-11-20T23:00:00Z|bulk|0",
            ])
    }
}

/// The SHA-256 of a file, hex, by the `sha256sum` the tests' machines have.
func sha256Hex(of path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
