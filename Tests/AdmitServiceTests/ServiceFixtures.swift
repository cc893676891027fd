import Admit
import AdmitDomain
import AdmitJSON
import AdmitStore
import AdmitTestSupport
import Foundation
import Logging
import NIOCore
import Testing

@testable import AdmitService

/// A fresh database of either kind (SQLite in a temporary folder, or a database of its own on the
/// tests' PostgreSQL server), seeded from the repository's `Seeds/` and `Policies/` when first
/// opened.
final class ServiceWorkspace: @unchecked Sendable {
    let database: TestDatabase
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(_ kind: StoreKind = .sqlite) throws {
        database = try TestDatabase(kind, prefix: "admit-service-tests")
    }

    var kind: StoreKind { database.kind }
    /// A temporary folder of the test's own.
    var directory: String { database.directory }
    var databasePath: String { database.location }

    /// `writer`: the chain its changes go to on PostgreSQL (another process's have their own).
    func configuration(policies: String? = nil, busyTimeout: Duration = .seconds(5), writer: String = "service-tests")
        -> AdmitConfiguration
    {
        AdmitConfiguration(
            databasePath: databasePath, seedsDirectory: root.appendingPathComponent("Seeds").path,
            policyPaths: [policies ?? root.appendingPathComponent("Policies").path], policyPathsGiven: true, busyTimeout: busyTimeout,
            actor: "test", writerName: writer)
    }

    func open(policies: String? = nil, busyTimeout: Duration = .seconds(5), writer: String = "service-tests") throws -> Admission {
        try Admission(configuration: configuration(policies: policies, busyTimeout: busyTimeout, writer: writer), logger: quietLogger)
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

    /// Decisions in the audit log (read beside the service, as an auditor would).
    func decisionCount() throws -> Int {
        switch kind {
        case .sqlite: return try audit(.decision).count
        case .postgres:
            try open().close()  // seeded first, as on SQLite
            return try database.integers("SELECT count(*) FROM audit_decisions")[0]
        }
    }

    /// Audit rows of `kind`, each as its detail (an event's JSON) or, without one, its actor.
    func auditRows(_ kind: AuditKind) throws -> [String] {
        try audit(kind).map { $0.detail ?? $0.actor }
    }

    /// Audit rows of `kind` in the order they were recorded (on PostgreSQL: by time, then writer
    /// and number): each one's actor, and its detail (an event's JSON; none for a change of a user
    /// on PostgreSQL, whose rows carry the state).
    func audit(_ kind: AuditKind) throws -> [(actor: String, detail: String?)] {
        switch self.kind {
        case .sqlite:
            let admission = try open()
            defer { admission.close() }
            return try admission.store.auditEntries(limit: .max).filter { $0.kind == kind }.map { ($0.actor, $0.detail) }
        case .postgres:
            try open().close()  // seeded first, as on SQLite
            if let number = kind.changeNumber {
                return try database.texts(
                    """
                    SELECT t.text FROM audit_changes c JOIN audit_texts t ON t.id = c.actor WHERE c.kind = \(number)
                    ORDER BY c.recorded_at, c.writer_id, c.seq
                    """
                ).map { ($0, nil) }
            }
            // Actor and detail in one text, apart at the unit separator (never in either: JSON escapes it).
            return try database.texts(
                """
                SELECT t.text || chr(31) || e.detail FROM audit_events e JOIN audit_texts t ON t.id = e.actor
                WHERE e.kind = '\(kind.rawValue)' ORDER BY e.recorded_at, e.writer_id, e.seq
                """
            ).map { row in
                let cells = row.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                try #require(cells.count == 2, "\(row)")
                return (cells[0], cells[1])
            }
        }
    }

    /// Runs `sql` on the database as someone editing it by hand would (`sqlite3`, or a
    /// connection of its own to PostgreSQL), beside Admit.
    func edit(_ sql: String) throws {
        switch kind {
        case .sqlite:
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            shell.arguments = [databasePath, sql + ";"]
            try shell.run()
            shell.waitUntilExit()
            try #require(shell.terminationStatus == 0, "sqlite3 \(sql)")
        case .postgres:
            try database.execute(sql)
        }
    }

    /// The actors of the import batches, oldest first.
    func importBatchActors() throws -> [String] {
        switch kind {
        case .sqlite:
            let admission = try open()
            defer { admission.close() }
            return try admission.store.importBatches().map(\.actor)
        case .postgres:
            try open().close()  // seeded first, as on SQLite
            return try database.texts("SELECT actor FROM import_batches ORDER BY id")
        }
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
