import Admit
import AdmitDomain
import AdmitTestSupport
import Foundation
import SQLite
import Testing

/// A row whose sourcedId is an Admit user's and whose address is another: rejected, nothing changes.
@Suite("OneRoster: a sourcedId and an address that disagree")
struct OneRosterAddressTests {
    @Test(
        "A known sourcedId with a new address, with another user's address, and after a row that took the address",
        arguments: StoreKind.allCases)
    func addressConflicts(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let bulk = fixture.directory.file("bulk")
        try RosterFixtures.folder(RosterFixtures.bulk11, at: bulk)
        _ = try fixture.registerRoster(bulk)
        let before = try fixture.userRows()

        let delta = fixture.directory.file("delta")
        try RosterFixtures.folder(
            [
                "manifest.csv": RosterFixtures.manifest("1.1", ["users": "delta"]),
                "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
                    + "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
                    + "u1,,,true,org1,student,bea,,Bea,Müller,,,bea2@example.org,,,,,\n"
                    + "u2,,,true,org1,teacher,carl,,Carl,Quoted,,,Dora@Example.org,,,,,\n"
                    + "u9,,,true,org1,student,nina,,Nina,Neu,,,nina@example.org,,,,,\n"
                    + "u1,,,true,org1,student,bea,,Bea,Müller,,,nina@example.org,,,,,\n"
                    + "u2,,,true,org1,teacher,carl,,Carl,Quoted,,,not-an-address,,,,,\n",
            ], at: delta)
        let summary = try fixture.registerRoster(delta)
        #expect(summary.created == 1 && summary.updated == 0 && summary.rejected == 4)
        #expect(
            summary.diagnostics == [
                "users.csv:2: error: email: sourcedId 'u1' is bea@example.org's, and the row gives bea2@example.org; "
                    + "Admit does not change a user's address [external-id-taken]",
                "users.csv:3: error: email: sourcedId 'u2' is carl@example.org's, and the row gives dora@example.org; "
                    + "Admit does not change a user's address [external-id-taken]",
                "users.csv:5: error: email: sourcedId 'u1' is bea@example.org's, and the row gives nina@example.org; "
                    + "Admit does not change a user's address [external-id-taken]",
                "users.csv:6: error: email: email address 'not-an-address' must contain exactly one '@' [invalid-value]",
            ], "\(summary.diagnostics)")
        #expect(try fixture.userRows() == (before + ["nina@example.org|Nina Neu|other||active|none|u9"]).sorted())
        let admission = try fixture.admission()
        defer { admission.close() }
        #expect(try admission.verifyAudit().isIntact)
    }
}
