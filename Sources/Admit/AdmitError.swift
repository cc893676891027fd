import AdmitRules

/// Everything that can go wrong in an Admit use case, with the words for it written once.
///
/// A denied request is not an error: it is a `Decision`. These are the failures that stop a
/// command: bad input, unknown names, unreadable files, an invalid policy, a database problem.
public enum AdmitError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownUser(String)
    case unknownLecture(String, suggestion: String?)
    case unknownPackage(String, suggestion: String?)
    /// A value given by the caller is malformed (an instant without an offset, …); the text says which.
    case invalidInput(String)
    /// The policy files have errors: the compiler-style listing of all of them (each error with
    /// its source line and a caret), and each error's own line (`file:line:col: error: …`).
    case policyInvalid(listing: String, errors: [String])
    case policyMissing(String)
    case seedsInvalid(path: String, reason: String)
    case fileUnreadable(path: String, reason: String)
    /// The database could not be used; the text names the path and the cause.
    case database(String)
    /// Another process holds the write lock longer than the busy timeout.
    case databaseBusy(String)
    /// The database was written by a newer Admit.
    case databaseTooNew(path: String, version: Int, supported: Int)
    /// A replay was asked for a decision that is not in the log.
    case auditNotFound(Int64)
    /// A report would first index more new audit rows than its caller allows.
    case reportIndexesBehind(behind: Int64, limit: Int64)

    /// One lowercase line, without the `error:` prefix.
    public var description: String {
        switch self {
        case .unknownUser(let user): return "unknown user '\(user)' (give an email address or a numeric user id)"
        case .unknownLecture(let id, let suggestion): return "unknown lecture '\(id)'" + Self.hint(suggestion)
        case .unknownPackage(let id, let suggestion): return "unknown package '\(id)'" + Self.hint(suggestion)
        case .invalidInput(let text): return text
        case .policyInvalid(let listing, _): return "the policy files have errors:\n\(listing)"
        case .policyMissing(let text): return text
        case .seedsInvalid(let path, let reason): return "\(path): \(reason)"
        case .fileUnreadable(let path, let reason): return "\(path): \(reason)"
        case .database(let text): return text
        case .databaseBusy(let text): return text
        case .databaseTooNew(let path, let version, let supported):
            return
                "\(path): the database is at schema version \(version), written by a newer Admit; this one knows up to \(supported) and will not touch it"
        case .auditNotFound(let seq): return "no decision #\(seq) in the audit log"
        case .reportIndexesBehind(let behind, let limit):
            return "report indexes behind: \(behind) audit rows to index first, more than the \(limit) allowed here; run "
                + "`admit audit enrolments` on the same database, which indexes them in chunks that a running service waits out, "
                + "then ask again"
        }
    }

    private static func hint(_ suggestion: String?) -> String { suggestion.map { "; did you mean '\($0)'?" } ?? "" }
}

extension AdmitError {
    /// The error for `diagnostics` found in `sources`.
    static func policyInvalid(_ diagnostics: PolicyDiagnostics, sources: [PolicySource]) -> AdmitError {
        .policyInvalid(listing: diagnostics.rendered(sources: sources), errors: diagnostics.diagnostics.map(\.description))
    }
}
