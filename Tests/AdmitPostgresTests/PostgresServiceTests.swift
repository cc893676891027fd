import Admit
import AdmitJSON
import Logging
import NIOCore
import Testing

@testable import AdmitService

/// The JSON-RPC service on PostgreSQL: the service's own tests (AdmitServiceTests) run on SQLite;
/// these give the same conversations to a service on PostgreSQL (in `PostgresAdmissionTests`,
/// which runs its tests one at a time). `ServiceConversation` is AdmitServiceTests' `Conversation`:
/// the two test targets share no code.
extension PostgresAdmissionTests {
    static let loopback = Peer(transport: .tcp(isLoopback: true), actor: "service:tcp:127.0.0.1:5000")
    static let token = "s3cret-token-for-tests-0123456789"

    static func request(_ method: String, id: JSONValue? = 1, _ params: JSONValue? = nil) -> String {
        var object: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { object["params"] = params }
        if let id { object["id"] = id }
        return JSONValue.object(object).serialized()
    }

    static func check(id: Int, user: String = "ada@example.org", lecture: String = "idor-2020-07") -> String {
        request(
            "check", id: .number(JSONNumber(id)), ["user": .string(user), "lecture": .string(lecture), "at": "2020-11-15T10:00:00+01:00"])
    }

    @Test func theServiceOnPostgresAnswersLinesInOrderAndLogsEachDecidedCheck() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "replica")
            defer { admission.close() }
            let conversation = try ServiceConversation(admission: admission)
            let replies = try conversation.send(
                Self.check(id: 1), "{\"oops\":,}", Self.request("ping", id: 2), Self.request("nope", id: 3),
                Self.check(id: 4, user: "ben@example.org"), Self.check(id: 5, lecture: "idor-2020-99")
            ).map { try JSONParser.parse($0) }
            #expect(replies.map { $0["id"] } == [1, .null, 2, 3, 4, 5])
            #expect(replies.map { $0["error"]?["code"] } == [nil, -32700, nil, -32601, nil, -32001])
            #expect(replies[0]["result"]?["decision"] == "allow" && replies[4]["result"]?["decision"] == "deny")
            #expect(replies[0]["result"]?["auditWriter"] == "replica")
            let seqs = [replies[0], replies[4]].compactMap { $0["result"]?["auditSeq"]?.int64Value }
            #expect(seqs.count == 2 && seqs[1] == seqs[0] + 1, "logged one after the other in the replica's chain")
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions") == 2)

            // A batch: each element answered, the decided ones logged in one append.
            let batch =
                "[" + [Self.check(id: 6), Self.check(id: 7, user: "dan@example.org"), Self.request("ping", id: 8)].joined(separator: ",")
                + "]"
            let answered = try #require(try JSONParser.parse(conversation.send(batch)[0]).arrayValue)
            #expect(answered.map { $0["id"] } == [6, 7, 8])
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions") == 4)
            #expect(try admission.verifyAudit().isIntact)
        }
    }

    @Test func theServiceOnPostgresRegistersReportsAndRefusesAMutationWithoutItsToken() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "replica")
            defer { admission.close() }
            let conversation = try ServiceConversation(admission: admission, peer: Self.loopback)
            // Without the token: refused, and the attempt is in the replica's chain.
            let refused = try JSONParser.parse(
                conversation.send(Self.request("enrol", ["user": "ben@example.org", "package": "idor-2020"]))[0])
            #expect(refused["error"]?["code"] == -32005)
            #expect(try await place.integer("SELECT count(*) FROM audit_events WHERE kind = 'request.refused'") == 1)
            // With it: users registered and enrolled, answered one by one, seen by the next check.
            let users: JSONValue = [
                ["email": "zoe@example.org", "name": "Zoë", "profession": "radiologist", "country": "de"], "not an object",
                ["email": "ADA@example.org", "subscription": "premium"],
            ]
            let registered = try JSONParser.parse(
                conversation.send(
                    Self.request(
                        "register",
                        ["users": users, "package": "idor-2020", "at": "2020-11-15T09:00:00+01:00", "token": .string(Self.token)]))[0])
            let result = try #require(registered["result"], "\(registered)")
            #expect(result["created"] == 1 && result["updated"] == 1 && result["rejected"] == 1)
            #expect(result["enrolments"]?["enrolled"] == 1 && result["enrolments"]?["alreadyEnrolled"] == 1)
            let zoe = try JSONParser.parse(conversation.send(Self.check(id: 2, user: "zoe@example.org"))[0])
            #expect(zoe["result"]?["decision"] == "allow", "\(zoe)")
            // The enrolment report over the service, from PostgreSQL's report tables.
            let report = try JSONParser.parse(conversation.send(Self.request("audit.enrolments", ["package": "idor-2020"]))[0])
            let totals = try #require(report["result"], "\(report)")
            #expect(totals["total"] == 4, "the seeds' three enrolments and Zoë's: \(totals)")
            try await place.expectEveryChainIntact(writers: 1)
        }
    }
}

/// Answers lines the way a connection does, without sockets (AdmitServiceTests' `Conversation`).
final class ServiceConversation {
    private let dispatcher: Dispatcher
    private let peer: Peer
    private var requests: RequestStream
    private var replies = ReplyWriter()

    init(admission: Admission, peer: Peer = .stdio) throws {
        try admission.holdFactsInMemory()  // as the service's worker does
        var logger = Logger(label: "admit-postgres-service-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        let limits = ServiceLimits()
        dispatcher = Dispatcher(admission: admission, limits: limits, token: try BearerToken(PostgresAdmissionTests.token), logger: logger)
        self.peer = peer
        requests = RequestStream(limits: limits)
    }

    /// Sends each text as a line in one read; returns the reply lines.
    func send(_ lines: String...) throws -> [String] {
        var buffer = ByteBuffer(bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
        requests.append(&buffer)
        guard let read = requests.take() else { return [] }
        let answers = dispatcher.run(read.calls, from: peer)
        var out = ByteBuffer()
        replies.write(read, answers: answers, into: &out)
        return String(buffer: out).split(separator: "\n").map(String.init)
    }
}
