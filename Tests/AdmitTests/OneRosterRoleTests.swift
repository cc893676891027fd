import Admit
import AdmitCSV
import AdmitDomain
import AdmitTestSupport
import Foundation
import SQLite
import Testing

/// The user's OneRoster role: read from `users.csv` (1.1) or as the primary role in `roles.csv`
/// (1.2), kept with the user (`external_role`, migration 5) and written back by the export.
@Suite("OneRoster: the user's role")
struct OneRosterRoleTests {
    /// `email|external_role` for every user, by email (`-` for none).
    static func roles(_ fixture: borrowing RegistrationFixture) throws -> [String] {
        try RegistrationFixture.byEmail(fixture.texts("SELECT email || '|' || coalesce(external_role, '-') FROM users"))
    }

    /// The rows of a CSV file of the export as `sourcedId|value` for the column `name` (the
    /// user's sourcedId: `userSourcedId` where the file has one).
    static func column(_ name: String, of file: String) throws -> [String] {
        var reader = CSVReader(source: MemoryByteSource(try String(contentsOfFile: file, encoding: .utf8)))
        var lines: [[String]] = []
        while let row = try reader.next() { lines.append(row.fields) }
        let header = try #require(lines.first)
        let index = try #require(header.firstIndex(of: name))
        let key = header.firstIndex(of: "userSourcedId") ?? 0
        return lines.dropFirst().filter { $0.count == header.count }.map { "\($0[key])|\($0[index])" }
    }

    @Test("1.1: the role column is kept, a teacher is exported as a teacher and imports back as one", arguments: StoreKind.allCases)
    func version11RoundTrip(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: package)
        let summary = try fixture.registerRoster(package)
        #expect(summary.created == 3)
        #expect(
            try Self.roles(fixture) == [
                "ada@example.org|-", "bea@example.org|student", "carl@example.org|teacher", "dora@example.org|student",
            ])
        let admission = try fixture.admission()
        #expect(try admission.verifyAudit().isIntact)
        let out = fixture.directory.file("export")
        _ = try admission.exportOneRoster(package: "idor-2020", to: out)
        admission.close()
        // Ada was seeded, with no role: `student`.
        #expect(try Self.column("role", of: out + "/users.csv") == ["admit-user-1|student", "u1|student", "u2|teacher"])
        #expect(try Self.column("role", of: out + "/enrollments.csv") == ["admit-user-1|student", "u1|student", "u2|teacher"])

        let target = try RegistrationFixture(store)
        let back = try target.registerRoster(out, map: "class,package\nidor-2020,idor-2020\n")
        #expect(back.rejected == 0, "\(back.diagnostics)")
        #expect(
            try Self.roles(target) == ["ada@example.org|student", "bea@example.org|student", "carl@example.org|teacher"],
            "the seeded Ada of the new database is updated: she gets the role the export gave her")
        // The same package again: the roles are as they were, nothing changes.
        let again = try target.registerRoster(out, map: "class,package\nidor-2020,idor-2020\n")
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 3)
    }

    @Test(
        "1.1: a role in another case is kept in the specification's spelling; a later package changes it, audited",
        arguments: StoreKind.allCases)
    func version11Changes(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk11
        files["users.csv"] = files["users.csv"]!.replacingOccurrences(of: ",teacher,", with: ",TEACHER,")
        try RosterFixtures.folder(files, at: package)
        _ = try fixture.registerRoster(package)
        #expect(try Self.roles(fixture).contains("carl@example.org|teacher"))
        files["users.csv"] = files["users.csv"]!.replacingOccurrences(of: ",TEACHER,", with: ",aide,")
        try RosterFixtures.folder(files, at: package)
        let second = try fixture.registerRoster(package)
        #expect(second.updated == 1 && second.unchanged == 2)
        #expect(try Self.roles(fixture).contains("carl@example.org|aide"))
        let admission = try fixture.admission()
        defer { admission.close() }
        #expect(try admission.verifyAudit().isIntact)
        #expect(try fixture.user("carl@example.org")?.externalRole == "aide", "the state in the log has it too")
    }

    @Test("1.1: a role outside the specification is kept as given and exported as a 1.1 extension, ext:…", arguments: StoreKind.allCases)
    func unknownRoleExportedAsExtension(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        var files = RosterFixtures.bulk11
        files["users.csv"] = files["users.csv"]!.replacingOccurrences(of: ",teacher,", with: ",wizard,")
        try RosterFixtures.folder(files, at: package)
        _ = try fixture.registerRoster(package)  // the fixture's defective rows are rejected, as ever
        #expect(try Self.roles(fixture).contains("carl@example.org|wizard"))
        let out = fixture.directory.file("export")
        let admission = try fixture.admission()
        _ = try admission.exportOneRoster(package: "idor-2020", to: out)
        admission.close()
        let roles = try Self.column("role", of: out + "/users.csv")
        #expect(roles.contains { $0.hasSuffix("|ext:wizard") }, "\(roles)")
        #expect(!roles.contains { $0.hasSuffix("|wizard") })
        #expect(try Self.column("role", of: out + "/enrollments.csv").allSatisfy { !$0.contains("wizard") })
    }

    @Test("1.2: the primary role of roles.csv; a 1.2 role that 1.1 lacks is exported as 1.1's nearest", arguments: StoreKind.allCases)
    func version12(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let archive = fixture.directory.file("roster.zip")
        var files = RosterFixtures.bulk12
        files["roles.csv"] =
            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\r\n"
            + "r1,,,p1,secondary,teacher,,,org1,\r\nr2,,,p1,primary,districtAdministrator,,,org1,\r\n"
            + "r3,,,p2,secondary,Teacher,,,org1,\r\n"
        try RosterFixtures.zip(files, at: archive)
        let summary = try fixture.registerRoster(archive)
        #expect(summary.rejected == 0, "\(summary.diagnostics)")
        #expect(try Self.roles(fixture) == ["ada@example.org|-", "eve@example.org|districtAdministrator", "finn@example.org|-"])
        let out = fixture.directory.file("export")
        let admission = try fixture.admission()
        _ = try admission.exportOneRoster(package: "idor-2020", to: out)
        admission.close()
        #expect(try Self.column("role", of: out + "/users.csv") == ["admit-user-1|student", "p1|administrator", "p2|student"])
        #expect(try Self.column("role", of: out + "/enrollments.csv") == ["admit-user-1|student", "p1|administrator", "p2|student"])
    }

    @Test("1.2 with the fixture's roles.csv: each user's primary role", arguments: StoreKind.allCases)
    func version12Primary(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let package = fixture.directory.file("roster")
        try RosterFixtures.folder(RosterFixtures.bulk12, at: package)
        _ = try fixture.registerRoster(package)
        #expect(try Self.roles(fixture) == ["ada@example.org|-", "eve@example.org|student", "finn@example.org|teacher"])
    }
}
