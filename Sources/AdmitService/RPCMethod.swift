/// The methods of Admit's JSON-RPC protocol.
public enum RPCMethod: String, Sendable, Hashable, CaseIterable {
    case check
    case when
    case enrol
    case register
    case auditEnrolments = "audit.enrolments"
    case auditVerify = "audit.verify"
    case policyReload = "policy.reload"
    case policyDiff = "policy.diff"
    case ping
    case version

    /// Whether the method changes the database or the service: over TCP it needs the token.
    public var isMutating: Bool {
        switch self {
        case .enrol, .register, .policyReload: return true
        case .check, .when, .auditEnrolments, .auditVerify, .policyDiff, .ping, .version: return false
        }
    }

    /// Whether a peer that is not on loopback may call it without the token (it reveals nothing).
    public var isPublic: Bool {
        self == .ping || self == .version
    }

    /// Whether the method reads or writes the store: the checks before it are then logged first
    /// (`CheckBatch`). `ping` and `version` do not.
    public var touchesStore: Bool {
        self != .ping && self != .version
    }
}
