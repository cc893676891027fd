import Admit
import AdmitDomain
import AdmitJSON
import AdmitStore
import Foundation
import Logging
import NIOCore
import Testing

@testable import AdmitService

/// A fresh database in a temporary folder, seeded from the repository's `Seeds/` and `Policies/`.
final class ServiceWorkspace: @unchecked Sendable {
    let directory: String
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init() {
        directory = NSTemporaryDirectory() + "admit-service-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var databasePath: String { directory + "/admit.sqlite" }

    func configuration(policies: String? = nil, busyTimeout: Duration = .seconds(5)) -> AdmitConfiguration {
        AdmitConfiguration(
            databasePath: databasePath, seedsDirectory: root.appendingPathComponent("Seeds").path,
            policyPaths: [policies ?? root.appendingPathComponent("Policies").path], policyPathsGiven: true, busyTimeout: busyTimeout,
            actor: "test")
    }

    func open(policies: String? = nil, busyTimeout: Duration = .seconds(5)) throws -> Admission {
        try Admission(configuration: configuration(policies: policies, busyTimeout: busyTimeout), logger: quietLogger)
    }

    /// A copy of the repository's policy folder that a test may change.
    func policyCopy() throws -> String {
        let folder = directory + "/policies"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["idor-2020.policy", "idor-2020.tests"] {
            try FileManager.default.copyItem(atPath: root.appendingPathComponent("Policies/\(name)").path, toPath: folder + "/" + name)
        }
        return folder
    }

    /// Decisions in the audit log (read through a connection of its own).
    func decisionCount() throws -> Int {
        let admission = try open()
        defer { admission.close() }
        return try entries(admission).filter { $0.kind == .decision }.count
    }

    /// Audit rows of `kind`, each as its detail (an event's JSON) or actor.
    func auditRows(_ kind: String) throws -> [String] {
        let admission = try open()
        defer { admission.close() }
        return try entries(admission).filter { $0.kind.rawValue == kind }.map { $0.detail ?? $0.actor }
    }

    /// Every row of the audit log, in order.
    func entries(_ admission: Admission) throws -> [AuditEntry] {
        try admission.store.auditEntries(limit: .max)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "admit-service-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    return logger
}()

let testToken = "s3cret-token-for-tests-0123456789"

/// Answers lines the way a connection does, without sockets: framing, parsing, running, rendering.
final class Conversation {
    let dispatcher: Dispatcher
    let peer: Peer
    private var requests: RequestStream
    private var replies = ReplyWriter()

    init(admission: Admission, peer: Peer = .stdio, limits: ServiceLimits = ServiceLimits(), token: String? = testToken) throws {
        try admission.holdFactsInMemory()  // as the service's worker does
        dispatcher = Dispatcher(admission: admission, limits: limits, token: try token.map { try BearerToken($0) }, logger: quietLogger)
        self.peer = peer
        requests = RequestStream(limits: limits)
    }

    /// Sends raw bytes as one read; returns the reply lines.
    func send(bytes: [UInt8]) -> [String] {
        var buffer = ByteBuffer(bytes: bytes)
        requests.append(&buffer)
        guard let read = requests.take() else { return [] }
        let answers = dispatcher.run(read.calls, from: peer)
        var out = ByteBuffer()
        replies.write(read, answers: answers, into: &out)
        let text = String(buffer: out)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Sends each text as a line (`\n` appended) in one read.
    func send(_ lines: String...) -> [String] {
        send(bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Sends one line and parses its one reply.
    func call(_ line: String) throws -> JSONValue {
        let replies = send(line)
        try #require(replies.count == 1, "expected one reply to \(line), got \(replies)")
        return try JSONParser.parse(replies[0])
    }
}

/// A JSON-RPC request line.
func request(_ method: String, id: JSONValue? = 1, _ params: JSONValue? = nil) -> String {
    var object: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
    if let params { object["params"] = params }
    if let id { object["id"] = id }
    return JSONValue.object(object).serialized()
}

func checkRequest(id: Int, user: String = "ada@example.org", lecture: String = "idor-2020-07", at: String = "2020-11-15T10:00:00+01:00")
    -> String
{
    request("check", id: .number(JSONNumber(id)), ["user": .string(user), "lecture": .string(lecture), "at": .string(at)])
}

extension JSONValue {
    /// The reply's error code, if it is an error.
    var errorCode: Int? { self["error"]?["code"]?.int64Value.map(Int.init) }
    var errorMessage: String? { self["error"]?["message"]?.stringValue }
    var result: JSONValue? { self["result"] }
}
