import Admit
import AdmitDomain
import AdmitJSON
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

@testable import AdmitService

/// The JSON-RPC 2.0 rules, one error class at a time, on the dispatcher without sockets.
@Suite struct ProtocolTests {
    @Test(arguments: StoreKind.allCases) func aCheckIsAnsweredWithTheFieldsOfTheCLI(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let admission = try workspace.open()
        let direct = try admission.check(user: "ada@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        let conversation = try Conversation(admission: admission)
        let reply = try conversation.call(checkRequest(id: 7))
        #expect(reply["jsonrpc"] == "2.0")
        #expect(reply["id"] == 7)
        let result = try #require(reply.result?.objectValue)
        #expect(result.keys == direct.json.objectValue?.keys)
        #expect(result["decision"] == "allow")
        #expect(result["auditSeq"]?.int64Value == direct.auditSeq + 1)
        #expect(result["reasons"] == direct.json["reasons"])
    }

    @Test(arguments: [
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",}", "trailing comma"),
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", "duplicate key"),
        ("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},]", "trailing comma"),
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":'ping'}", "unexpected"),
        ("{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"ping\"}", "invalid number"),
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} {}", "unexpected content"),
        ("not json", "unexpected"),
    ])
    func whatRFC8259ForbidsIsAParseError(line: String, words: String) throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let reply = try conversation.call(line)
        #expect(reply.errorCode == -32700)
        #expect(reply["id"] == .null)
        #expect(reply.errorMessage?.contains(words) == true, "\(reply)")
    }

    @Test func invalidUTF8AndAByteOrderMarkAreParseErrors() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let ping = Array(request("ping").utf8)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + ping + [0x0A]
        let badUTF8: [UInt8] = Array(#"{"jsonrpc":"2.0","id":1,"method":"p"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [0x0A]
        let overlong: [UInt8] =
            Array(#"{"jsonrpc":"2.0","id":"#.utf8) + [0x22, 0xC0, 0xAF, 0x22] + Array(#","method":"ping"}"#.utf8) + [0x0A]
        let replies = conversation.send(bytes: bom + badUTF8 + overlong + ping + [0x0A])
        #expect(replies.count == 4)
        let parsed = try replies.map { try JSONParser.parse($0) }
        #expect(parsed[0].errorMessage?.contains("byte-order mark") == true)
        #expect(parsed[1].errorMessage?.contains("invalid utf-8") == true)
        #expect(parsed[2].errorMessage?.contains("invalid utf-8") == true)
        #expect(parsed[0...2].allSatisfy { $0.errorCode == -32700 })
        #expect(parsed[3].result == "pong")
    }

    @Test(arguments: [
        ("1", JSONValue.null, "must be a json object"),
        ("\"ping\"", .null, "must be a json object"),
        ("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}", 5, "'jsonrpc' must be \"2.0\""),
        ("{\"id\":5,\"method\":\"ping\"}", 5, "'jsonrpc' must be \"2.0\""),
        ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7}", 5, "'method' must be a string"),
        ("{\"jsonrpc\":\"2.0\",\"method\":7}", .null, "'method' must be a string"),
        ("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", .null, "'id' must be"),
        ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", .null, "'id' must be"),
        ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"param\":{}}", 5, "unknown member 'param'"),
        ("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":3}", 5, "'params' must be an object"),
        ("[]", .null, "at least one request"),
    ])
    func notARequestIsAnInvalidRequest(line: String, id: JSONValue, words: String) throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let reply = try conversation.call(line)
        #expect(reply.errorCode == -32600)
        #expect(reply["id"] == id)
        #expect(reply.errorMessage?.contains(words) == true, "\(reply)")
    }

    @Test func anUnknownMethodIsMethodNotFoundWithASuggestion() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let reply = try conversation.call(request("chek", ["user": "ada@example.org"]))
        #expect(reply.errorCode == -32601)
        #expect(reply.errorMessage == "method not found: 'chek'; did you mean 'check'?")
        #expect(reply["id"] == 1)
    }

    @Test(arguments: [
        (request("check", ["lecture": "idor-2020-07"]), "'user' is missing", "user"),
        (request("check", ["user": "ada@example.org"]), "'lecture' is missing", "lecture"),
        (request("check", ["user": "ada@example.org", "lecture": 7]), "'lecture' must be a string", "lecture"),
        (request("check", ["user": true, "lecture": "idor-2020-07"]), "'user' must be an email address or a numeric user id", "user"),
        (
            request("check", ["user": "ada@example.org", "lecture": "idor-2020-07", "at": "2020-11-15T10:00:00"]), "'at' is not an instant",
            "at"
        ),
        (request("check", ["user": "ada@example.org", "lecture": "idor-2020-07", "a": "x"]), "'a' is not a param of this method", "a"),
        (request("when", ["user": "ada@example.org", "lecture": "idor-2020-07", "from": 3]), "'from' must be a string", "from"),
        (request("enrol", ["user": "ada@example.org", "package": "idor-2020", "source": "friend"]), "'source' must be one of", "source"),
        (request("enrol", ["user": "ada@example.org", "package": "idor-2020", "force": "yes"]), "'force' must be true or false", "force"),
        (request("ping", ["x": 1]), "'x' is not a param of this method", "x"),
    ])
    func badOrMissingParamsAreInvalidParamsNamingTheParam(line: String, words: String, param: String) throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let reply = try conversation.call(line)
        #expect(reply.errorCode == -32602)
        #expect(reply.errorMessage?.contains(words) == true, "\(reply)")
        #expect(reply["error"]?["data"]?["param"] == .string(param))
    }

    @Test func positionalParamsAreRefused() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let reply = try conversation.call(#"{"jsonrpc":"2.0","id":1,"method":"check","params":["ada@example.org","idor-2020-07"]}"#)
        #expect(reply.errorCode == -32602)
        #expect(reply.errorMessage?.contains("not an array") == true)
    }

    @Test(arguments: StoreKind.allCases) func admitsOwnErrorsHaveAStableCodePerCause(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let cases: [(String, Int)] = [
            (checkRequest(id: 1, user: "nobody@example.org"), -32000),
            (checkRequest(id: 1, lecture: "idor-2020-77"), -32001),
            (request("enrol", ["user": "ada@example.org", "package": "idor-2021"]), -32002),
            (
                request(
                    "when",
                    ["user": "ada@example.org", "lecture": "idor-2020-07", "from": "2020-11-20T00:00:00Z", "until": "2020-11-10T00:00:00Z"]),
                -32602
            ),
            (request("register", ["users": [], "package": "idor-2021"]), -32002),
            (request("audit.enrolments", ["package": "idor-2021"]), -32002),
        ]
        for (line, code) in cases {
            let reply = try conversation.call(line)
            #expect(reply.errorCode == code, "\(line) -> \(reply)")
        }
        let unknownLecture = try conversation.call(checkRequest(id: 1, lecture: "idor-2020-77"))
        #expect(unknownLecture["error"]?["data"]?["suggestion"] == "idor-2020-07")
    }

    @Test func everyAdmitErrorMapsToItsDocumentedCode() {
        let expected: [(AdmitError, RPCErrorCode)] = [
            (.unknownUser("x"), .unknownUser), (.unknownLecture("x", suggestion: nil), .unknownLecture),
            (.unknownPackage("x", suggestion: nil), .unknownPackage), (.invalidInput(.notAFile(path: "x")), .invalidInput),
            (.policyInvalid(listing: "x", errors: ["x"]), .policyInvalid), (.policyMissing(.noTestsFile(paths: ["x"])), .policyMissing),
            (.seedsInvalid(path: "p", reason: "r"), .fileUnreadable), (.fileUnreadable(path: "p", reason: "r"), .fileUnreadable),
            (.database(StoreError(.sqlite("x"), path: "p")), .databaseError), (.database(StoreError(.busy("x"), path: "p")), .databaseBusy),
            (.database(StoreError(.tooNew(version: 3, supported: 2), path: "p")), .databaseError),
            (.reportIndexesBehind(behind: 2, limit: 1), .reportIndexesBehind),
            (.auditNotFound(3), .auditNotFound),
        ]
        for (error, code) in expected {
            #expect(RPCError(error).code == code)
            if case .policyInvalid = error { continue }
            #expect(RPCError(error).message == error.description)
        }
        // The codes as Docs/service.md documents them: they never change meaning.
        let documented: [RPCErrorCode: Int] = [
            .parseError: -32700, .invalidRequest: -32600, .methodNotFound: -32601, .invalidParams: -32602, .internalError: -32603,
            .unknownUser: -32000, .unknownLecture: -32001, .unknownPackage: -32002, .invalidInput: -32003, .databaseBusy: -32004,
            .unauthorised: -32005, .policyInvalid: -32006, .policyMissing: -32007, .fileUnreadable: -32008, .databaseError: -32009,
            .auditNotFound: -32010, .reportIndexesBehind: -32011, .lineTooLong: -32030, .batchTooLarge: -32031,
            .tooManyConnections: -32032, .idleTimeout: -32033, .tooManyConnectionsFromPeer: -32034,
        ]
        #expect(Dictionary(uniqueKeysWithValues: RPCErrorCode.allCases.map { ($0, $0.rawValue) }) == documented)
    }

    @Test(arguments: StoreKind.allCases) func anInvalidPolicyOnReloadKeepsTheOldOne(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let policies = try workspace.policyCopy()
        let conversation = try Conversation(admission: workspace.open(policies: policies))
        let before = try conversation.call(request("version"))["result"]?["policy"]
        try "permit broken:\n  open lecture in package \"nope\" # see: error: the listing echoes this line\n  when now in nowhere\n".write(
            toFile: policies + "/idor-2020.policy", atomically: true, encoding: .utf8)
        let reply = try conversation.call(request("policy.reload"))
        #expect(reply.errorCode == -32006)
        #expect(reply.errorMessage?.contains("idor-2020.policy:") == true)
        #expect(reply.errorMessage?.contains("\n") == false, "a message is one line")
        #expect(reply.errorMessage?.hasSuffix("(and 1 more)") == true, "\(reply)")
        let listed = try #require(reply["error"]?["data"]?["errors"]?.arrayValue)
        let errors = listed.compactMap(\.stringValue)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.allSatisfy { $0.contains("idor-2020.policy:") && !$0.contains("the listing echoes") })
        #expect(reply["error"]?["data"]?["listing"]?.stringValue?.contains("the listing echoes") == true)
        #expect(try conversation.call(request("version"))["result"]?["policy"] == before)
        #expect(try conversation.call(checkRequest(id: 2))["result"]?["decision"] == "allow")
    }

    @Test(arguments: StoreKind.allCases) func policyReloadReportsTheVersion(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let policies = try workspace.policyCopy()
        let conversation = try Conversation(admission: workspace.open(policies: policies))
        let same = try #require(try conversation.call(request("policy.reload")).result)
        #expect(same["changed"] == false)
        try (String(contentsOfFile: policies + "/idor-2020.policy", encoding: .utf8) + "\n# a comment\n").write(
            toFile: policies + "/idor-2020.policy", atomically: true, encoding: .utf8)
        let changed = try #require(try conversation.call(request("policy.reload")).result)
        #expect(changed["changed"] == true)
        #expect(changed["policy"] != changed["previous"])
    }

    @Test(arguments: StoreKind.allCases) func policyDiffAndADryRunReloadSayWhatReloadingWouldChangeAndChangeNothing(_ store: StoreKind)
        throws
    {
        let workspace = try ServiceWorkspace(store)
        let policies = try workspace.policyCopy()
        let conversation = try Conversation(admission: workspace.open(policies: policies))
        let before = try #require(try conversation.call(request("version")).result?["policy"])
        let none = try #require(try conversation.call(request("policy.diff")).result)
        #expect(none["changed"] == false && none["identical"] == true)
        let file = policies + "/idor-2020.policy"
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "until 2020-11-20", with: "until 2020-11-30")
            .write(toFile: file, atomically: true, encoding: .utf8)

        let diff = try #require(try conversation.call(request("policy.diff", ["package": "idor-2020", "users": true])).result)
        #expect(diff["changed"] == true)
        let change = try #require(diff["changes"]?.arrayValue?.first)
        #expect(change["kind"] == "gain")
        #expect(change["spans"]?.arrayValue?.first?["from"] == "2020-11-21T00:00:00+01:00")
        #expect(change["users"]?.arrayValue?.isEmpty == false)

        let dryRun = try #require(try conversation.call(request("policy.reload", ["dryRun": true])).result)
        #expect(dryRun["applied"] == false)
        #expect(dryRun["changed"] == true)
        #expect(dryRun["diff"]?["changes"]?.arrayValue?.count == diff["changes"]?.arrayValue?.count)
        #expect(try conversation.call(request("version")).result?["policy"] == before, "a dry run loads nothing")

        let bad = try conversation.call(request("policy.diff", ["from": "2020-11-30T00:00:00Z", "until": "2020-11-01T00:00:00Z"]))
        #expect(bad.errorCode == -32602)
        let unknown = try conversation.call(request("policy.diff", ["packages": "idor-2020"]))
        #expect(unknown.errorCode == -32602)

        let applied = try #require(try conversation.call(request("policy.reload")).result)
        #expect(applied["applied"] == true && applied["changed"] == true)
        #expect(try conversation.call(request("policy.diff")).result?["changed"] == false)
    }

    @Test func aBusyDatabaseIsDatabaseBusyAndNothingIsAnsweredAsLogged() throws {
        let workspace = try ServiceWorkspace()
        let admission = try workspace.open(busyTimeout: .milliseconds(50))
        let conversation = try Conversation(admission: admission)
        let other = try workspace.open()
        let replies: [String] = try other.store.write {
            conversation.send(checkRequest(id: 1), checkRequest(id: 2))
        }
        let parsed = try replies.map { try JSONParser.parse($0) }
        #expect(parsed.map(\.errorCode) == [-32004, -32004])
        #expect(try conversation.call(checkRequest(id: 3)).result?["decision"] == "allow")
        #expect(try workspace.decisionCount() == 1)
    }
}

func instant(_ text: String) -> Instant {
    do { return try Instant(parsing: text) } catch { fatalError("bad instant in a test: \(error)") }
}
