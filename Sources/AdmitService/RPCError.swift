import AdmitDomain
import AdmitJSON

/// A JSON-RPC error reply's `error` object: a stable code, one lowercase line, optional data.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: RPCErrorCode
    /// One lowercase line that says what was wrong, naming the param or the value.
    public var message: String
    /// Structured detail for programs (the param's name, the limit, the suggestion, …).
    public var data: JSONValue?

    public init(_ code: RPCErrorCode, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(code.rawValue) \(message)" }

    /// The `error` member of a reply.
    var json: JSONValue {
        var object = JSONObject()
        object["code"] = .number(JSONNumber(code.rawValue))
        object["message"] = .string(message)
        if let data { object["data"] = data }
        return .object(object)
    }
}

extension RPCError {
    static func parse(_ error: JSONError) -> RPCError {
        RPCError(.parseError, "parse error: \(error.description)", data: ["offset": .number(JSONNumber(error.offset))])
    }

    static func invalidRequest(_ why: String) -> RPCError {
        RPCError(.invalidRequest, "invalid request: \(why)")
    }

    static func methodNotFound(_ name: String) -> RPCError {
        let known = RPCMethod.allCases.map(\.rawValue)
        let hint = Suggestions.closest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
        return RPCError(.methodNotFound, "method not found: '\(name)'\(hint)", data: ["methods": .array(known.map { .string($0) })])
    }

    static func invalidParam(_ name: String, _ why: String) -> RPCError {
        RPCError(.invalidParams, "invalid params: '\(name)' \(why)", data: ["param": .string(name)])
    }

    static func invalidParams(_ why: String) -> RPCError {
        RPCError(.invalidParams, "invalid params: \(why)")
    }

    static func lineTooLong(limit: Int) -> RPCError {
        RPCError(
            .lineTooLong, "line too long: more than \(limit) bytes before its newline; it was skipped",
            data: ["limit": .number(JSONNumber(limit))])
    }

    static func batchTooLarge(_ count: Int, limit: Int) -> RPCError {
        RPCError(
            .batchTooLarge, "batch too large: \(count) requests, at most \(limit) are allowed; none was run",
            data: ["limit": .number(JSONNumber(limit))])
    }

    static func tooManyConnections(limit: Int) -> RPCError {
        RPCError(
            .tooManyConnections, "too many connections: the service already serves \(limit) clients; try again later",
            data: ["limit": .number(JSONNumber(limit))])
    }

    static func tooManyConnectionsFromPeer(limit: Int, host: String) -> RPCError {
        RPCError(
            .tooManyConnectionsFromPeer,
            "too many connections from \(host): the service already serves \(limit) clients from that address; try again later",
            data: ["limit": .number(JSONNumber(limit))])
    }

    static func idleTimeout(milliseconds: Int64) -> RPCError {
        let seconds = milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
        return RPCError(
            .idleTimeout, "idle timeout: no complete line in \(seconds) s; the connection is closed",
            data: ["timeoutMilliseconds": .number(JSONNumber(milliseconds))])
    }
}
