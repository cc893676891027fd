import Admit
import AdmitDomain
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

/// `--atomic`, `--dry-run`, `--rejects` and `--package`.
@Suite("Registration: modes, rejects file and enrolment")
struct RegistrationModeTests {
    static let csv =
        "email,name,profession,country\nnew1@example.org,One,other,AT\nada@example.org,Ada Changed,,\nbroken@example.org,Broken,other,QQ\nnew2@example.org,Two,other,DE\n"

    @Test("--atomic with one bad row writes no user, no enrolment and no change row", arguments: StoreKind.allCases)
    func atomicWithABadRow(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let before = try fixture.userRows()
        let kinds = try fixture.auditKinds()
        let summary = try fixture.register(Self.csv, options: RegistrationOptions(atomic: true, package: "idor-2020"))
        #expect(!summary.committed)
        #expect(!summary.isComplete)
        #expect((summary.created, summary.updated, summary.rejected) == (2, 1, 1), "the counts say what would have happened")
        #expect(try fixture.userRows() == before)
        let after = try fixture.auditKinds()
        for kind in ["user.created", "user.updated", "enrolment.added"] { #expect(after[kind] == kinds[kind], "\(kind)") }
        let batch = try #require(summary.batch)
        #expect(try fixture.importBatch(batch)?["status"] == "failed")
    }

    @Test("--atomic without rejects applies everything in one transaction", arguments: StoreKind.allCases)
    func atomicWithoutRejects(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(
            "email,name,profession\na@example.org,A,other\nb@example.org,B,other\n", options: RegistrationOptions(atomic: true))
        #expect(summary.committed)
        #expect(summary.created == 2)
        #expect(try fixture.user("b@example.org") != nil)
    }

    @Test("--dry-run reports the plan and leaves the database exactly as it was", arguments: StoreKind.allCases)
    func dryRun(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let before = try fixture.userRows()
        let kinds = try fixture.auditKinds()
        let batches = try fixture.importBatches()
        let summary = try fixture.register(
            Self.csv, options: RegistrationOptions(dryRun: true, package: "idor-2020", at: RegistrationFixture.insideWindow))
        #expect((summary.created, summary.updated, summary.unchanged, summary.rejected) == (2, 1, 0, 1))
        #expect(summary.enrolments?.enrolled == 2)
        #expect(summary.enrolments?.alreadyEnrolled == 1)
        #expect(summary.batch == nil)
        #expect(!summary.committed)
        #expect(try fixture.userRows() == before)
        #expect(try fixture.auditKinds() == kinds)
        #expect(try fixture.importBatches() == batches)
        #expect(try fixture.admission().verifyAudit().isIntact)
    }

    @Test("The rejects file keeps the rejected rows with an error column, and imports again once fixed", arguments: StoreKind.allCases)
    func rejectsFileRoundTrip(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let rejects = fixture.directory.file("rejects.csv")
        let csv =
            "email,name,profession,country\nok@example.org,Ok,other,AT\nfix@example.org,\"Fix, Me\",other,QQ\nragged@example.org,Ragged\n"
        let first = try fixture.register(csv, rejects: rejects)
        #expect(first.rejected == 2)
        let text = try fixture.directory.read("rejects.csv")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "error,email,name,profession,country")
        #expect(
            lines[1].hasPrefix(
                "line 3: country: 'QQ' is not an assigned ISO 3166-1 alpha-2 country code [invalid-value],fix@example.org,\"Fix, Me\",other,QQ"
            ))
        #expect(lines[2] == "\"line 4: the row has 2 fields, the header 4 [ragged-row]\",ragged@example.org,Ragged")
        let fixed = text.replacingOccurrences(of: ",other,QQ", with: ",other,PT").replacingOccurrences(
            of: "Ragged\r\n", with: "Ragged,other,\r\n")
        try fixture.directory.write("fixed.csv", fixed)
        let admission = try fixture.admission()
        let second = try admission.register(file: fixture.directory.file("fixed.csv"), rejectsFile: fixture.directory.file("rejects2.csv"))
        #expect(second.rejected == 0)
        #expect(second.created == 2)
        #expect(try fixture.user("fix@example.org")?.country == CountryCode("PT"))
        #expect(try fixture.user("fix@example.org")?.name == "Fix, Me")
        #expect(try fixture.directory.read("rejects2.csv") == "error,email,name,profession,country\r\n")
    }

    @Test(
        "--package enrols every registered user the policy permits, refuses the rest, and --force records what it overrode",
        arguments: StoreKind.allCases)
    func enrolment(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let csv =
            "email,name,profession,account\nada@example.org,,,\nnew@example.org,New,other,\nsuspended@example.org,Sus,other,suspended\n"
        let inside = try fixture.register(csv, options: RegistrationOptions(package: "idor-2020", at: RegistrationFixture.insideWindow))
        #expect(inside.enrolments?.enrolled == 1)
        #expect(inside.enrolments?.alreadyEnrolled == 1)
        #expect(inside.enrolments?.refused == 1)
        #expect(inside.rejected == 0, "the suspended user is registered; only the enrolment is refused")
        #expect(!inside.isComplete)
        #expect(inside.rejectLines == ["4 enrolment-refused"])
        #expect(try fixture.user("suspended@example.org")?.account == .suspended)

        let forced = try fixture.register(
            csv, options: RegistrationOptions(package: "idor-2020", at: RegistrationFixture.afterWindow, force: true))
        #expect(forced.enrolments?.enrolled == 1)
        #expect(forced.enrolments?.forced == 1)
        #expect(forced.enrolments?.alreadyEnrolled == 2)
        #expect(forced.isComplete)
        let rows = try fixture.enrolmentRows()
        #expect(rows == ["ada@example.org|idor-2020|self|0", "new@example.org|idor-2020|bulk|0", "suspended@example.org|idor-2020|bulk|1"])
        // The state row of the forced enrolment keeps the refusal it overrode, as a decision code.
        let overrode = try fixture.texts(
            "SELECT CAST(kind AS text) || ' ' || CAST(length(overrode) AS text) FROM audit_changes WHERE batch_id = \(forced.batch ?? 0) AND overrode IS NOT NULL"
        )
        #expect(overrode.count == 1 && overrode.first?.hasPrefix("3 ") == true, "an enrolment.added row: \(overrode)")
        #expect(overrode.first != "3 0", "the refusal it overrode is kept")
    }

    @Test("An unknown package is an error before anything is written", arguments: StoreKind.allCases)
    func unknownPackage(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        #expect(throws: AdmitError.unknownPackage("idor-2021", suggestion: "idor-2020")) {
            try fixture.register(Self.csv, options: RegistrationOptions(package: "idor-2021"))
        }
        #expect(try fixture.auditKinds()["import.started"] == nil)
    }
}
