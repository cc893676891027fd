import Admit
import AdmitDomain
import AdmitJSON
import AdmitTestSupport
import Foundation
import Testing

@testable import AdmitService

/// The service names a user by their external id (a OneRoster sourcedId) as `admit check --json`
/// does, from the facts it holds in memory.
@Suite struct ExternalIDTests {
    @Test(arguments: StoreKind.allCases) func checkAndWhenRepliesCarryTheExternalIDOfUsersWhoHaveOne(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: try workspace.open())
        let ask = checkRequest(id: 1, user: "sourced@example.org")
        let other = try workspace.open(writer: "beside")  // another process: its own chain
        let csv = workspace.directory + "/sourced.csv"
        try Data("email,name,profession,external_id\nsourced@example.org,Sour Ced,radiographer,stu-42\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let summary = try other.register(
            file: csv, options: RegistrationOptions(package: "idor-2020", at: try Instant(parsing: "2020-11-10T09:00:00+01:00")))
        #expect(summary.created == 1)
        other.close()

        let checked = try conversation.call(ask)
        #expect(checked.result?["user"]?["email"] == "sourced@example.org")
        #expect(checked.result?["user"]?["externalId"] == "stu-42", "\(checked)")
        let when = try conversation.call(
            request(
                "when", id: .number(JSONNumber(2)),
                ["user": .string("sourced@example.org"), "lecture": .string("idor-2020-07"), "at": .string("2020-11-15T10:00:00+01:00")]))
        #expect(when.result?["user"]?["externalId"] == "stu-42", "\(when)")
        // A user without one has no such key.
        let plain = try conversation.call(checkRequest(id: 3))
        #expect(plain.result?["user"]?["email"] == "ada@example.org")
        #expect(plain.result?["user"]?["externalId"] == nil)
    }
}
