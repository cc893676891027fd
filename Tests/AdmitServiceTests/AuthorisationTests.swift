import Admit
import AdmitJSON
import AdmitTestSupport
import Foundation
import Testing

@testable import AdmitService

/// Tokens over TCP, and the audit rows of refused attempts.
@Suite struct AuthorisationTests {
    static let loopback = Peer(transport: .tcp(isLoopback: true), actor: "service:tcp:127.0.0.1:5000")
    static let remote = Peer(transport: .tcp(isLoopback: false), actor: "service:tcp:192.0.2.7:5000")

    func enrol(token: String?) -> String {
        var params: JSONObject = ["user": "ben@example.org", "package": "idor-2020", "at": "2020-11-10T10:00:00+01:00"]
        if let token { params["token"] = .string(token) }
        return request("enrol", .object(params))
    }

    @Test(arguments: StoreKind.allCases) func aMutationWithoutTheTokenIsRefusedAndTheAttemptIsLogged(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open(), peer: Self.loopback)
        let missing = try conversation.call(enrol(token: nil))
        #expect(missing.errorCode == -32005)
        #expect(missing.errorMessage?.contains("params.token") == true)
        let wrong = try conversation.call(enrol(token: "not-the-token-at-all-000"))
        #expect(wrong.errorCode == -32005)
        let reload = try conversation.call(request("policy.reload"))
        #expect(reload.errorCode == -32005)
        let refused = try workspace.auditRows(.requestRefused)
        #expect(refused.count == 3)
        #expect(refused[0].contains("\"request\":\"enrol\""))
        #expect(refused[1].contains("wrong"))
        // Nothing was enrolled.
        #expect(try conversation.call(checkRequest(id: 2, user: "ben@example.org")).result?["decision"] == "deny")
        let granted = try conversation.call(enrol(token: testToken))
        #expect(granted.result?["result"] == "enrolled")
        // A token that is not a string is a bad param, not a missing token.
        let number = try conversation.call(request("policy.reload", ["token": 5]))
        #expect(number.errorCode == -32602)
        #expect(number["error"]?["data"]?["param"] == "token")
    }

    @Test(arguments: StoreKind.allCases) func readOnlyMethodsNeedNoTokenOnLoopbackButDoElsewhere(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let local = try Conversation(admission: workspace.open(), peer: Self.loopback)
        #expect(try local.call(checkRequest(id: 1)).result?["decision"] == "allow")
        #expect(try local.call(request("audit.verify")).result?["intact"] == true)
        let remote = try Conversation(admission: workspace.open(), peer: Self.remote)
        #expect(try remote.call(checkRequest(id: 1)).errorCode == -32005)
        #expect(try remote.call(request("ping")).result == "pong")
        #expect(try remote.call(request("version")).result?["name"] == "admit")
        let withToken = request(
            "check", ["user": "ada@example.org", "lecture": "idor-2020-07", "at": "2020-11-15T10:00:00+01:00", "token": .string(testToken)])
        #expect(try remote.call(withToken).result?["decision"] == "allow")
        #expect(try workspace.auditRows(.requestRefused).count == 1)
    }

    @Test(arguments: StoreKind.allCases) func withoutATokenFileMutationsOverTCPAreAlwaysRefused(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open(), peer: Self.loopback, token: nil)
        let reply = try conversation.call(enrol(token: testToken))
        #expect(reply.errorCode == -32005)
        #expect(reply.errorMessage?.contains("--token-file") == true)
    }

    @Test func standardInputIsTrusted() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open(), peer: .stdio, token: nil)
        #expect(try conversation.call(enrol(token: nil)).result?["result"] == "enrolled")
    }

    @Test func aShortTokenAndANonLoopbackListenerWithoutTokenAreConfigurationErrors() throws {
        #expect(throws: ServiceError.self) { try BearerToken("short") }
        let open = ServiceConfiguration(listen: try ListenAddress(parsing: "0.0.0.0:7700"))
        #expect(throws: ServiceError.self) { try open.validate() }
        try ServiceConfiguration(listen: try ListenAddress(parsing: ":7700")).validate()
        #expect(try ListenAddress(parsing: ":7700").host == "127.0.0.1")
        #expect(try ListenAddress(parsing: "[::1]:7700").isLoopback)
        #expect(throws: ServiceError.self) { try ListenAddress(parsing: "7700") }
    }
}
