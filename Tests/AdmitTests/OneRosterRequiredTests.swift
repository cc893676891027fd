import Admit
import AdmitDomain
import AdmitTestSupport
import Foundation
import Testing

@Suite("OneRoster: required values in every row")
struct OneRosterRequiredTests {
    @Test(
        "1.1: an empty required cell is a located missing-value reject, counted and written to the rejects file",
        arguments: StoreKind.allCases)
    func required11(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk11
        files["users.csv"] =
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,"
            + "identifier,email,sms,phone,agentSourcedIds,grades,password\n"
            + "u1,,,true,org1,student,bea,,Bea,Berg,,,bea@example.org,,,,,\n"
            + ",,,true,org1,student,nosid,,No,Sid,,,nosid@example.org,,,,,\n"
            + "u5,,,,org1,student,noen,,No,Enabled,,,noen@example.org,,,,,\n"
            + "u6,,,true,org1,,norole,,No,Role,,,norole@example.org,,,,,\n"
            + "u7,,,true,,student,noorg,,No,Org,,,noorg@example.org,,,,,\n"
            + "u8,,,true,org1,student,nofamily,,Nofamily,,,,nofamily@example.org,,,,,\n"
            + "u9,,,true,org1,student,,,No,Username,,,nouser@example.org,,,,,\n"
        files["enrollments.csv"] =
            RosterFixtures.enrollmentsHeader
            + "e1,,,c1,org1,u1,student,,2020-11-10,\n"
            + ",,,c1,org1,u1,student,,2020-11-10,\n"
            + "e3,,,c1,org1,,student,,2020-11-10,\n"
            + "e4,,,,org1,u1,student,,2020-11-10,\n"
            + "e5,,,c1,org1,u1,,,2020-11-10,\n"
            + "e6,,,c1,,u1,student,,2020-11-10,\n"
        files["classes.csv"] =
            RosterFixtures.classes + "c4,,,Physics,,course4,,,,org1,term1,,,\n" + "c5,,,,,course5,,scheduled,,org1,term1,,,\n"
        try RosterFixtures.folder(files, at: package)
        let summary = try fixture.registerRoster(package, rejects: fixture.directory.file("rejects.csv"))
        #expect(summary.created == 1)
        #expect(summary.rejected == 13)
        #expect(summary.roster?.enrolled == 1)
        let message = "the value is empty; OneRoster 1.1 requires one [missing-value]"
        #expect(
            summary.diagnostics == [
                "classes.csv:5: error: classType: \(message)",
                "classes.csv:6: error: title: \(message)",
                "users.csv:3: error: sourcedId: the user has no sourcedId [missing-value]",
                "users.csv:4: error: enabledUser: \(message)",
                "users.csv:5: error: role: \(message)",
                "users.csv:6: error: orgSourcedIds: \(message)",
                "users.csv:7: error: familyName: \(message)",
                "users.csv:8: error: username: \(message)",
                "enrollments.csv:3: error: sourcedId: the enrolment has no sourcedId [missing-value]",
                "enrollments.csv:4: error: userSourcedId: the enrolment names no user [missing-value]",
                "enrollments.csv:5: error: classSourcedId: the enrolment names no class [missing-value]",
                "enrollments.csv:6: error: role: \(message)",
                "enrollments.csv:7: error: schoolSourcedId: \(message)",
            ])
        let rejects = try fixture.directory.read("rejects.csv")
        #expect(rejects.contains("users.csv line 5: role: the value is empty; OneRoster 1.1 requires one [missing-value]"))
        #expect(rejects.contains("\"e5,,,c1,org1,u1,,,2020-11-10,\""))
    }

    @Test("1.2: its own required columns; a tobedeleted row needs only what identifies it", arguments: StoreKind.allCases)
    func required12(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk12
        files["users.csv"] =
            RosterFixtures.users12
            + "p3,,,true,,,Gus,Grey,,,gus@example.org,,,,,,,,,,,,\r\n"
            + "p4,tobedeleted,,,,,,,,,,,,,,,,,,,,,\r\n"
        files["enrollments.csv"] =
            RosterFixtures.enrollmentsHeader + "e1,,,c1,org1,p1,student,,2020-11-09,\n" + "e2,tobedeleted,,c1,,p1,,,,\n"
        try RosterFixtures.folder(files, at: package)
        let summary = try fixture.registerRoster(package)
        #expect(
            summary.diagnostics == ["users.csv:4: error: username: the value is empty; OneRoster 1.2 requires one [missing-value]"])
        #expect(summary.created == 2 && summary.unchanged == 1)
        #expect(try fixture.userRows().contains("finn@example.org|Finn|other||active|none|p2"))
    }
}

@Suite("OneRoster: roles.csv (1.2)")
struct OneRosterRolesTests {
    @Test("Every row of roles.csv is read: bad values and roles of users in no file are located rejects", arguments: StoreKind.allCases)
    func rolesRows(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk12
        files["roles.csv"] =
            RosterFixtures.roles12
            + "r3,,,p1,secondary,guardian,2020-11-01,2020-12-01,org1,\r\n"
            + "r4,,,p9,primary,student,,,org1,\r\n"
            + "r5,,,p1,main,student,,,org1,\r\n"
            + "r6,,,p1,secondary,pupil,,,org1,\r\n"
            + "r7,,,p1,secondary,aide,01/11/2020,,org1,\r\n"
            + "r8,,,p1,secondary,aide,2020-11-02,2020-11-01,org1,\r\n"
            + "r9,,,p2,primary,student,,,org1,\r\n"
            + "r10,,,p2,secondary,,,,org1,\r\n"
            + "r11,tobedeleted,,p2,,,,,,\r\n"
        try RosterFixtures.folder(files, at: package)
        let summary = try fixture.registerRoster(package, rejects: fixture.directory.file("rejects.csv"))
        #expect(summary.created == 2)
        #expect(summary.rejected == 7)
        #expect(
            summary.diagnostics == [
                "roles.csv:6: error: roleType: 'main' is not primary or secondary [invalid-value]",
                "roles.csv:7: error: role: 'pupil' is not a OneRoster 1.2 role (aide, counselor, districtAdministrator, guardian, "
                    + "parent, principal, proctor, relative, siteAdministrator, student, systemAdministrator, teacher) [invalid-value]",
                "roles.csv:8: error: beginDate: '01/11/2020' is not an ISO 8601 date (YYYY-MM-DD) [invalid-value]",
                "roles.csv:9: error: endDate: the role ends (2020-11-01) before it begins (2020-11-02) [invalid-value]",
                "roles.csv:10: error: roleType: user 'p2' already has a primary role (roles.csv line 3) [invalid-value]",
                "roles.csv:11: error: role: the value is empty; OneRoster 1.2 requires one [missing-value]",
                "roles.csv:5: error: userSourcedId: user 'p9' is in no row of users.csv [unknown-reference]",
            ])
        #expect(try fixture.directory.read("rejects.csv").contains("\"r4,,,p9,primary,student,,,org1,\""))
    }
}

@Suite("OneRoster: export and import again")
struct OneRosterRoundTripTests {
    @Test("import, export, import into a new database: the same users (one-word names too) and enrolments", arguments: StoreKind.allCases)
    func roundTrip(_ store: StoreKind) throws {
        let source = try RegistrationFixture(store)
        let package = source.directory.file("roster")
        var files = RosterFixtures.bulk11
        files["users.csv"] =
            RosterFixtures.users11 + "u5,,,true,org1,student,zeno,,Zeno,Zeno,,,zeno@example.org,,,,,,\r\n"
        files["enrollments.csv"] = RosterFixtures.enrollments + "e10,,,c1,org1,u5,student,,2020-11-11,2020-11-14\n"
        try RosterFixtures.folder(files, at: package)
        _ = try source.registerRoster(package)
        let exported = source.directory.file("export")
        let admission = try source.admission()
        _ = try admission.exportOneRoster(package: "idor-2020", to: exported)
        admission.close()
        let usersFile = try source.directory.read("export/users.csv")
        #expect(usersFile.contains(",Zeno,Zeno,"), "a one-word name is written as both given and family name")
        #expect(!usersFile.contains(",,,,zeno@example.org"))

        let target = try RegistrationFixture(store)
        let summary = try target.registerRoster(exported, map: "class,package\nidor-2020,idor-2020\n")
        #expect(summary.rejected == 0, "\(summary.diagnostics)")
        // Every user the package gave (those with a sourcedId) comes back as it was: address, name,
        // account, sourcedId; and so does every enrolment of theirs, to the day.
        func rostered(_ fixture: borrowing RegistrationFixture) throws -> [String] {
            try fixture.userRows().filter { !$0.hasSuffix("|") }.map {
                let cells = $0.split(separator: "|", omittingEmptySubsequences: false)
                return [cells[0], cells[1], cells[4], cells[6]].joined(separator: "|")
            }
        }
        // The export has the package's enrolled users (Dora's enrolment was refused: she is not in it).
        let enrolled = Set(try source.allEnrolments().map { $0.prefix(while: { $0 != "|" }) })
        let users = try rostered(source).filter { enrolled.contains($0.prefix(while: { $0 != "|" })) }
        #expect(users.contains("zeno@example.org|Zeno|active|u5"))
        #expect(users.count == 3)
        #expect(try rostered(target).filter { !$0.contains("admit-user-") } == users)
        let emails = Set(users.map { $0.prefix(while: { $0 != "|" }) })
        let enrolments = try source.allEnrolments().filter { emails.contains($0.prefix(while: { $0 != "|" })) }
        #expect(enrolments.contains("zeno@example.org|idor-2020|2020-11-10T23:00:00Z|2020-11-14T23:00:00Z|bulk|0"))
        #expect(try target.allEnrolments().filter { emails.contains($0.prefix(while: { $0 != "|" })) } == enrolments)
    }
}

@Suite("OneRoster: the sourcedId in the audit reports")
struct OneRosterReportTests {
    @Test("audit enrolments and audit decisions name a user's external id where they name the user", arguments: StoreKind.allCases)
    func reportsShowExternalID(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        _ = try fixture.registerRoster(package)
        let admission = try fixture.admission()
        defer { admission.close() }
        _ = try admission.check(user: "bea@example.org", lecture: "idor-2020-01", at: instant("2020-11-15T10:00:00+01:00"))

        // Carl (u2) never opened a lecture; a seeded user has no external id.
        let report = try admission.enrolmentReport(package: "idor-2020")
        let never = try #require(report.anomalies.first { $0.kind == .neverOpened })
        #expect(never.rows.first { $0.email == "carl@example.org" }?.externalID == "u2")
        #expect(never.rows.allSatisfy { $0.email != "ada@example.org" || $0.externalID == nil })
        guard case .array(let anomalies)? = report.json["anomalies"],
            case .array(let rows)? = anomalies.first(where: { $0["kind"] == "never-opened" })?["rows"]
        else {
            Issue.record("no never-opened rows in \(report.json)")
            return
        }
        #expect(rows.first { $0["email"] == "carl@example.org" }?["externalId"] == "u2")
        #expect(rows.allSatisfy { $0["email"] != "ada@example.org" || $0["externalId"] == nil })
        let csv = String(decoding: report.csv, as: UTF8.self)
        #expect(csv.hasPrefix("section,key,count,user,email,name,country,at,detail,externalId\r\n"))
        #expect(csv.contains("carl@example.org") && csv.contains(",u2\r\n"))
        #expect(report.html().contains("carl@example.org <small>(u2)</small>"))

        let decisions = try admission.decisions(limit: 0)
        let bea = try #require(decisions.first { $0.externalID != nil })
        #expect(bea.externalID == "u1")
        #expect(bea.json["externalId"] == "u1")
        let decisionReport = try admission.decisionReport(user: "bea@example.org")
        #expect(decisionReport.rows.first?.externalID == "u1")
    }
}
