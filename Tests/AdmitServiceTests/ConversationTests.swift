import Admit
import AdmitJSON
import AdmitTestSupport
import Foundation
import Testing

@testable import AdmitService

/// Lines, batches and notifications on one connection.
@Suite struct ConversationTests {
    @Test(arguments: StoreKind.allCases) func goodAndBadLinesInterleavedAreEachAnsweredInOrder(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let replies = conversation.send(
            checkRequest(id: 1),
            "{\"oops\":,}",
            request("ping", id: 2),
            "",
            "   ",
            request("nope", id: 3),
            checkRequest(id: 4, user: "ben@example.org"),
            "[1,2",
            checkRequest(id: 5, lecture: "idor-2020-99"),
            checkRequest(id: 6, user: "dan@example.org", at: "2021-06-01T00:00:00Z"))
        let parsed = try replies.map { try JSONParser.parse($0) }
        #expect(parsed.count == 8)
        #expect(parsed.map { $0["id"] } == [1, .null, 2, 3, 4, .null, 5, 6])
        #expect(parsed.map(\.errorCode) == [nil, -32700, nil, -32601, nil, -32700, -32001, nil])
        #expect(parsed[0].result?["decision"] == "allow")
        #expect(parsed[4].result?["decision"] == "deny")
        #expect(parsed[7].result?["decision"] == "allow")
        // On PostgreSQL each decision names the chain it is in: this process's writer.
        #expect(parsed[0].result?["auditWriter"] == (store == .postgres ? "service-tests" : nil))
        // The three decided checks are logged, in request order, one after another.
        let seqs = [parsed[0], parsed[4], parsed[7]].compactMap { $0.result?["auditSeq"]?.int64Value }
        #expect(seqs.count == 3 && seqs[1] == seqs[0] + 1 && seqs[2] == seqs[1] + 1)
        #expect(try workspace.decisionCount() == 3)
    }

    @Test(arguments: StoreKind.allCases) func aBatchMixingValidAndInvalidRequestsAnswersEachOneInOneArray(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let batch =
            "["
            + [
                checkRequest(id: 1), "1", request("ping", id: "p"), request("ping", id: nil), request("nope", id: 9),
                #"{"jsonrpc":"2.0","method":"check","id":10,"params":{"user":"ada@example.org"}}"#,
                checkRequest(id: 11, user: "ghost@x.org"),
                #"{"foo":"bar"}"#,
            ].joined(separator: ",") + "]"
        let reply = try #require(try conversation.call(batch).arrayValue)
        #expect(reply.map { $0["id"] } == [1, .null, "p", 9, 10, 11, .null])
        #expect(reply.map(\.errorCode) == [nil, -32600, nil, -32601, -32602, -32000, -32600])
        #expect(reply[0].result?["decision"] == "allow")
        #expect(reply[2].result == "pong")
    }

    @Test(arguments: StoreKind.allCases) func notificationsGetNoReplyButAreRun(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let notification = request("check", id: nil, ["user": "ada@example.org", "lecture": "idor-2020-07"])
        let replies = conversation.send(
            notification,
            request("nope", id: nil),
            request("check", id: nil, ["user": "nobody@example.org", "lecture": "idor-2020-07"]),
            "[" + [notification, request("ping", id: nil)].joined(separator: ",") + "]",
            request("ping", id: 1))
        #expect(replies == [#"{"jsonrpc":"2.0","id":1,"result":"pong"}"#])
        #expect(try workspace.decisionCount() == 2)
    }

    @Test func aNullIdIsARequestNotANotification() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        #expect(conversation.send(request("ping", id: .null)) == [#"{"jsonrpc":"2.0","id":null,"result":"pong"}"#])
        #expect(conversation.send(request("ping", id: "abc")) == [#"{"jsonrpc":"2.0","id":"abc","result":"pong"}"#])
        #expect(
            conversation.send(request("ping", id: .number(JSONNumber(literal: "1.50e3")!))) == [
                #"{"jsonrpc":"2.0","id":1.50e3,"result":"pong"}"#
            ])
    }

    @Test(arguments: StoreKind.allCases) func aBatchOverTheLimitIsRefusedWhole(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open(), limits: ServiceLimits(maxBatch: 3))
        let batch = "[" + (1...4).map { checkRequest(id: $0) }.joined(separator: ",") + "]"
        let reply = try conversation.call(batch)
        #expect(reply.errorCode == -32031)
        #expect(reply["id"] == .null)
        #expect(try workspace.decisionCount() == 0)
        let allowed = try #require(
            try conversation.call("[" + (1...3).map { checkRequest(id: $0) }.joined(separator: ",") + "]").arrayValue)
        #expect(allowed.count == 3)
    }

    @Test func crlfEndingsAndEmptyLinesAreTolerated() throws {
        let conversation = try Conversation(admission: ServiceWorkspace().open())
        let replies = conversation.send(bytes: Array((request("ping", id: 1) + "\r\n\r\n\n" + request("ping", id: 2) + "\r\n").utf8))
        #expect(replies == [#"{"jsonrpc":"2.0","id":1,"result":"pong"}"#, #"{"jsonrpc":"2.0","id":2,"result":"pong"}"#])
    }

    @Test func anOversizeLineGetsAnErrorAndTheNextLineIsServed() throws {
        let workspace = try ServiceWorkspace()
        let conversation = try Conversation(admission: workspace.open(), limits: ServiceLimits(maxLineBytes: 100))
        let long = request("ping", id: 1, ["pad": .string(String(repeating: "x", count: 200))])
        let replies = conversation.send(long, request("ping", id: 2))
        let parsed = try replies.map { try JSONParser.parse($0) }
        #expect(parsed.map(\.errorCode) == [-32030, nil])
        #expect(parsed[0]["error"]?["data"]?["limit"] == 100)
        #expect(parsed[1]["id"] == 2)
    }

    @Test(arguments: StoreKind.allCases) func methodsThatAreServedAnswerWithTheirResults(_ store: StoreKind) throws {
        let workspace = try ServiceWorkspace(store)
        let conversation = try Conversation(admission: workspace.open())
        let when = try #require(
            try conversation.call(request("when", ["user": "ada@example.org", "lecture": "idor-2020-07", "at": "2020-11-15T00:00:00Z"]))
                .result)
        #expect(when["allowed"]?[0]?["until"] == "2020-11-21T00:00:00+01:00")
        let enrol = try #require(
            try conversation.call(request("enrol", ["user": "ben@example.org", "package": "idor-2020", "at": "2020-11-10T10:00:00+01:00"]))
                .result)
        #expect(enrol["result"] == "enrolled")
        let verify = try #require(try conversation.call(request("audit.verify")).result)
        #expect(verify["intact"] == true)
        let version = try #require(try conversation.call(request("version")).result)
        #expect(version["methods"]?.arrayValue?.contains("check") == true)
        #expect(
            version["methods"]?.arrayValue == [
                "check", "when", "enrol", "register", "audit.enrolments", "audit.verify", "policy.reload", "policy.diff", "ping", "version",
            ])
        // Ben is enrolled now: the cached facts were dropped after the change.
        #expect(try conversation.call(checkRequest(id: 9, user: "ben@example.org"))["result"]?["decision"] == "allow")
    }
}
