import Admit
import AdmitJSON
import AdmitTestSupport
import Testing

@testable import AdmitService

/// The `register` and `audit.enrolments` methods: the CLI's results over JSON-RPC.
@Suite struct RegisterAndReportTests {
    static let users: JSONValue = [
        ["email": "  Zoe@Example.org ", "name": "Zoë", "profession": "radiologist", "country": "de"],
        ["email": "ADA@example.org", "subscription": "premium"],
        ["email": "nobody@example.org", "name": "No Profession"],
        "not an object",
        ["email": "x@example.org", "name": "X", "profession": "other", "age": "40"],
        ["email": "y@example.org", "name": "Y", "profession": 7],
    ]

    @Test(arguments: StoreKind.allCases) func registerAnswersEachElementInOrderAndIsIdempotent(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let seeded = try workspace.auditRows(.userCreated).count
        let params: JSONValue = ["users": Self.users, "package": "idor-2020", "at": "2020-11-15T10:00:00+01:00"]
        let reply = try conversation.call(request("register", params))
        let result = try #require(reply.result, "\(reply)")
        #expect(result["created"] == 1)
        #expect(result["updated"] == 1)
        #expect(result["rejected"] == 4)
        #expect(result["committed"] == true)
        #expect(result["complete"] == false)
        #expect(result["enrolments"]?["enrolled"] == 1)
        #expect(result["enrolments"]?["at"] == "2020-11-15T10:00:00+01:00", "in the package's zone, like every other instant")
        #expect(result["enrolments"]?["alreadyEnrolled"] == 1)
        let rows = try #require(result["results"]?.arrayValue)
        #expect(rows.map { $0["line"] } == [1, 2, 3, 4, 5, 6])
        #expect(rows.map { $0["outcome"] } == ["created", "updated", "rejected", "rejected", "rejected", "rejected"])
        #expect(rows[0]["email"] == "zoe@example.org")
        #expect(rows[0]["user"]?.int64Value != nil)
        #expect(rows[0]["enrolment"] == "enrolled")
        #expect(rows[1]["user"] == 1)
        #expect(rows[2]["reject"]?["class"] == "missing-value")
        #expect(rows[3]["reject"]?["class"] == "invalid-json")
        #expect(rows[4]["reject"]?["class"] == "unknown-field")
        #expect(rows[4]["reject"]?["column"] == "age")
        #expect(rows[5]["reject"]?["column"] == "profession")
        #expect(rows[5]["reject"]?["class"] == "invalid-value")
        // The new user is enrolled and may open a lecture.
        let check = try conversation.call(checkRequest(id: 2, user: "zoe@example.org"))
        #expect(check.result?["decision"] == "allow")
        // The same request again changes nothing and says so.
        let again = try #require(try conversation.call(request("register", params)).result)
        #expect(again["created"] == 0)
        #expect(again["updated"] == 0)
        #expect(again["unchanged"] == 2)
        #expect(again["sha256"] == result["sha256"])
        #expect(try workspace.auditRows(.userCreated).count == seeded + 1)
        #expect(try workspace.open().verifyAudit().isIntact, "the log's chain(s) and the tables agree")
    }

    @Test(arguments: StoreKind.allCases) func dryRunAndAtomicWithARejectWriteNothing(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let seeded = try workspace.auditRows(.userCreated).count
        for mode in ["dryRun", "atomic"] {
            let reply = try conversation.call(request("register", ["users": Self.users, mode: true]))
            let result = try #require(reply.result, "\(reply)")
            #expect(result["mode"] == (mode == "dryRun" ? "dry-run" : "atomic"))
            #expect(result["committed"] == false)
            #expect(result["created"] == 1)
            let rows = try #require(result["results"]?.arrayValue)
            #expect(rows[0]["outcome"] == "created")
            #expect(rows[0]["user"] == .null, "an id that was rolled back is not handed out")
        }
        #expect(try workspace.auditRows(.userCreated).count == seeded)
        #expect(try conversation.call(checkRequest(id: 2, user: "zoe@example.org")).errorCode == -32000)
    }

    @Test(arguments: StoreKind.allCases) func badRegisterParamsNameTheParam(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)  // held: the database goes with it
        let conversation = try Conversation(admission: workspace.open())
        let cases: [(JSONValue?, String, Int)] = [
            (nil, "users", -32602),
            (["users": "ada@example.org"], "users", -32602),
            (["users": [], "dry_run": true], "dry_run", -32602),
            (["users": [], "atomic": "yes"], "atomic", -32602),
            (["users": [], "at": "2020-11-15 10:00"], "at", -32602),
            (["users": [], "at": "2020-11-15T10:00:00+01:00"], "at", -32602),
            (["users": [], "force": true], "force", -32602),
        ]
        for (params, name, code) in cases {
            let reply = try conversation.call(request("register", params))
            #expect(reply.errorCode == code, "\(String(describing: params)) -> \(reply)")
            #expect(reply["error"]?["data"]?["param"] == .string(name), "\(reply)")
        }
        // A client that always sends its defaults is not refused.
        let defaults = try conversation.call(request("register", ["users": [], "force": false, "atomic": false, "dryRun": false]))
        #expect(defaults.result?["rows"] == 0, "\(defaults)")
        let unknownPackage = try conversation.call(request("register", ["users": [], "package": "idor-2021"]))
        #expect(unknownPackage.errorCode == -32002)
    }

    @Test(arguments: StoreKind.allCases) func registerOverTCPNeedsTheToken(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open(), peer: AuthorisationTests.loopback)
        let seeded = try workspace.auditRows(.userCreated).count
        let refused = try conversation.call(request("register", ["users": Self.users]))
        #expect(refused.errorCode == -32005)
        #expect(try workspace.auditRows(.userCreated).count == seeded)
        #expect(try workspace.auditRows(.requestRefused).count == 1)
        let granted = try conversation.call(request("register", ["users": Self.users, "token": .string(testToken)]))
        #expect(granted.result?["created"] == 1)
        // The changes are the peer's, like those of every other method.
        #expect(try workspace.audit(.userCreated).last?.actor == AuthorisationTests.loopback.actor)
        #expect(try workspace.importBatchActors().last == AuthorisationTests.loopback.actor)
    }

    @Test(arguments: StoreKind.allCases) func auditEnrolmentsIsTheCLIReport(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let admission = try workspace.open()
        let conversation = try Conversation(admission: admission)
        let result = try #require(try conversation.call(request("audit.enrolments")).result)
        #expect(result == (try admission.enrolmentReport(package: nil).json))
        #expect(result["total"] == 3)
        #expect(result["bySource"]?[0]?["key"] == "self")
        let inactive = try #require(result["anomalies"]?.arrayValue?.first { $0["kind"] == "inactive-account" })
        #expect(inactive["rows"]?[0]?["email"] == "cleo@example.org")

        let ranged = try #require(
            try conversation.call(
                request(
                    "audit.enrolments",
                    ["package": "idor-2020", "from": "2020-11-10T00:00:00+01:00", "until": "2020-11-11T00:00:00+01:00", "limit": 0])
            ).result)
        #expect(ranged["total"] == 1)
        #expect(ranged["first"] == "2020-11-10T08:00:00+01:00")
        // An integer written with an exponent is that integer.
        let one = try #require(try conversation.call(request("audit.enrolments", ["limit": .number(JSONNumber(literal: "1e0")!)])).result)
        #expect(one["anomalies"]?.arrayValue?.first { $0["kind"] == "never-opened" }?["rows"]?.arrayValue?.count == 1)
    }

    @Test(arguments: StoreKind.allCases) func aReportFarBehindTheLogIsRefusedUntilTheCommandLineCatchesUp(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open(), limits: ServiceLimits(maxReportCatchUp: 2))
        // What `admit audit enrolments` does from another process.
        func catchUpFromTheCommandLine() throws {
            let other = try workspace.open()
            _ = try other.enrolmentReport(package: nil)
            other.close()
        }
        try catchUpFromTheCommandLine()  // the seeds' rows
        _ = try conversation.call(checkRequest(id: 1))
        #expect(try conversation.call(request("audit.enrolments")).result?["total"] == 3, "one row behind is within the limit")
        for id in 2...4 { _ = try conversation.call(checkRequest(id: id)) }
        let refused = try conversation.call(request("audit.enrolments"))
        #expect(refused.errorCode == -32011)
        #expect(refused["error"]?["data"]?["behind"] == 3)
        #expect(refused["error"]?["data"]?["limit"] == 2)
        #expect(refused.errorMessage?.contains("admit audit enrolments") == true)
        try catchUpFromTheCommandLine()
        #expect(try conversation.call(request("audit.enrolments")).result?["total"] == 3)
    }

    @Test(arguments: StoreKind.allCases) func badAuditEnrolmentsParamsNameTheParam(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)  // held: the database goes with it
        let conversation = try Conversation(admission: workspace.open())
        let cases: [(JSONValue, String)] = [
            (["limit": -1], "limit"),
            (["limit": 1.5], "limit"),
            (["limit": "10"], "limit"),
            (["from": "2020-11-20T00:00:00Z", "until": "2020-11-10T00:00:00Z"], "until"),
            (["pakage": "idor-2020"], "pakage"),
        ]
        for (params, name) in cases {
            let reply = try conversation.call(request("audit.enrolments", params))
            #expect(reply.errorCode == -32602, "\(params) -> \(reply)")
            #expect(reply["error"]?["data"]?["param"] == .string(name), "\(reply)")
        }
        #expect(try conversation.call(request("audit.enrolments", ["package": "idor-2021"])).errorCode == -32002)
    }
}
