/// Every error code the service answers with: JSON-RPC 2.0's own, then Admit's in -32000…-32099.
///
/// The codes are stable: a client may match on them, and a cause never changes its code.
/// `Docs/service.md` lists them; `RPCError+AdmitError.swift` maps Admit's errors onto them.
public enum RPCErrorCode: Int, Sendable, Hashable, CaseIterable {
    /// The line is not JSON as RFC 8259 defines it (trailing comma, duplicate key, invalid
    /// UTF-8, byte-order mark, …).
    case parseError = -32700
    /// The JSON is not a request object (or a batch is empty); the reply's `id` is null when
    /// the request's id could not be read.
    case invalidRequest = -32600
    /// No such method.
    case methodNotFound = -32601
    /// A param is missing, unknown, of the wrong type or malformed; the message names it.
    case invalidParams = -32602
    /// A fault of the service itself.
    case internalError = -32603

    /// `user` names no user.
    case unknownUser = -32000
    /// `lecture` names no lecture.
    case unknownLecture = -32001
    /// `package` names no package.
    case unknownPackage = -32002
    /// A value Admit rejects although it is well-formed (an empty range, …).
    case invalidInput = -32003
    /// Another process holds the database's write lock longer than the busy timeout.
    case databaseBusy = -32004
    /// A mutating method without a valid token, or any method from a non-loopback peer without one.
    case unauthorised = -32005
    /// The policy files have errors (`policy.reload`); the old policy stays in force.
    case policyInvalid = -32006
    /// No policy file was found (`policy.reload`).
    case policyMissing = -32007
    /// A file could not be read (a policy file during `policy.reload`).
    case fileUnreadable = -32008
    /// The database failed otherwise (disk full, damaged file, written by a newer Admit, …).
    case databaseError = -32009
    /// `audit.*`: no such entry in the audit log.
    case auditNotFound = -32010
    /// `audit.enrolments`: more audit rows to index first than `--max-report-catch-up`.
    case reportIndexesBehind = -32011
    /// A line longer than `--max-line-bytes`; it was skipped up to the next newline.
    case lineTooLong = -32030
    /// A batch with more requests than `--max-batch`; none of them was run.
    case batchTooLarge = -32031
    /// The service already serves `--max-connections` clients; the connection is closed.
    case tooManyConnections = -32032
    /// The connection sent no complete line for `--idle-timeout`; it is closed.
    case idleTimeout = -32033
    /// The service already serves `--max-connections-per-peer` clients from this address.
    case tooManyConnectionsFromPeer = -32034
}
