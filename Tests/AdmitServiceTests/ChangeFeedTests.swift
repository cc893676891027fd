import Admit
import AdmitDomain
import AdmitJSON
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

@testable import AdmitService

/// The service holds every user's facts in memory and learns of changes made beside it (another
/// process's `admit register`, `enrol`, `unenrol`) from the audit log's state rows.
@Suite struct ChangeFeedTests {
    @Test(arguments: StoreKind.allCases) func aRegistrationBesideTheServiceIsSeenByItsNextCheck(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: try workspace.open())
        let ask = checkRequest(id: 1, user: "newcomer@example.org")
        #expect(try conversation.call(ask).errorCode == RPCErrorCode.unknownUser.rawValue)

        // Another process registers and enrols the user.
        let other = try workspace.open(writer: "beside")  // another process: its own chain
        let csv = workspace.directory + "/new.csv"
        try Data("email,name,profession\nnewcomer@example.org,New Comer,radiographer\n".utf8).write(to: URL(fileURLWithPath: csv))
        let summary = try other.register(
            file: csv, options: RegistrationOptions(package: "idor-2020", at: try Instant(parsing: "2020-11-10T09:00:00+01:00")))
        #expect(summary.created == 1 && summary.enrolments?.enrolled == 1)
        other.close()

        let allowed = try conversation.call(ask)
        #expect(allowed.result?["decision"] == "allow", "\(allowed)")
        #expect(allowed.result?["user"]?["email"] == "newcomer@example.org")
    }

    @Test(arguments: StoreKind.allCases) func anEnrolmentAndAWithdrawalBesideTheServiceChangeItsAnswers(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: try workspace.open())
        let ask = checkRequest(id: 1, user: "ben@example.org", at: "2020-11-15T10:00:00+01:00")
        #expect(try conversation.call(ask).result?["decision"] == "deny")

        let other = try workspace.open(writer: "beside")  // another process: its own chain
        let enrolled = try other.enrol(
            user: "ben@example.org", package: "idor-2020", at: try Instant(parsing: "2020-11-09T08:00:00+01:00"))
        #expect(enrolled.result == .enrolled)
        #expect(try conversation.call(ask).result?["decision"] == "allow")

        _ = try other.unenrol(user: "ben@example.org", package: "idor-2020", at: try Instant(parsing: "2020-11-12T00:00:00+01:00"))
        other.close()
        let after = try conversation.call(ask)
        #expect(after.result?["decision"] == "deny")
        #expect(after.result?["nearestMiss"]?["clauses"]?[0]?["code"] == "enrolment-withdrawn")

        // Each answer names the version of the facts it used; the log replays each one.
        let admission = try workspace.open()
        defer { admission.close() }
        for decision in try admission.decisions(limit: 0) {
            #expect(try admission.replay(decision.seq).reproduces)
        }
        #expect(try admission.verifyAudit().isIntact)
    }

    @Test(arguments: StoreKind.allCases) func aHandEditOfTheTablesDoesNotChangeTheServicesAnswers(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: try workspace.open())
        let ask = checkRequest(id: 1, user: "ben@example.org", at: "2021-01-15T10:00:00+01:00")
        #expect(try conversation.call(ask).result?["decision"] == "deny")
        try workspace.edit("UPDATE users SET subscription = 'premium' WHERE email = 'ben@example.org'")
        // Decisions use the audited state; the edit is for `audit verify` to name.
        #expect(try conversation.call(ask).result?["decision"] == "deny")
        let verify = try conversation.call(request("audit.verify"))
        #expect(verify.result?["intact"] == false)
        #expect(verify.result?["differences"]?[0]?["field"] == "subscription")
    }
}
