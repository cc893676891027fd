import AdmitDomain

/// What kind of event an audit row records.
public enum AuditKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An access decision (`admit check`, the service's `check`).
    case decision
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case enrolmentAdded = "enrolment.added"
    case enrolmentWithdrawn = "enrolment.withdrawn"
    /// A user's state as the tables held it when the log began to carry states (migration 4).
    case userState = "user.state"
    /// A policy version seen for the first time.
    case policyLoaded = "policy.loaded"
    case importStarted = "import.started"
    case importFinished = "import.finished"
    /// A request refused before it reached the engine (e.g. a mutation without a valid token).
    case requestRefused = "request.refused"

    /// The number `audit_changes.kind` stores for a change of a user; nil for other kinds.
    package var changeNumber: Int64? {
        switch self {
        case .userCreated: return 1
        case .userUpdated: return 2
        case .enrolmentAdded: return 3
        case .enrolmentWithdrawn: return 4
        case .userState: return 5
        default: return nil
        }
    }

    package init?(changeNumber: Int64) {
        guard let kind = AuditKind.allCases.first(where: { $0.changeNumber == changeNumber }) else { return nil }
        self = kind
    }
}

/// A user's whole state as every change row of the user carries it: the `users` row and every
/// enrolment, and its version (1 for the first row, then one more per change).
///
/// A decision names the facts it used by the user and this version; `audit verify` checks that
/// the `users` and `enrolments` tables are each user's latest state.
public struct UserState: Sendable, Hashable {
    public var user: User
    /// Every enrolment, withdrawn ones included, in the order they were made.
    public var enrolments: [Enrolment]
    public var version: Int64

    public init(user: User, enrolments: [Enrolment], version: Int64) {
        self.user = user
        self.enrolments = enrolments
        self.version = version
    }

    /// What the rules read of this state.
    public var facts: Facts { Facts(user: user, enrolments: enrolments) }

    /// The user's current (not withdrawn) enrolment in `package`.
    public func currentEnrolment(in package: PackageID) -> Enrolment? {
        enrolments.last { $0.package == package && $0.withdrawnAt == nil }
    }
}

/// Who makes a change, when, and under what.
public struct ChangeContext: Sendable, Hashable {
    /// When the change is recorded (wall clock).
    public var recordedAt: Instant
    /// Who makes it, e.g. `cli:alice` or `service:tcp:127.0.0.1:50312`.
    public var actor: String
    /// The bulk import it belongs to.
    public var batch: Int64?
    /// The policy version it was decided under (an enrolment's).
    public var policyHash: String?
    /// For an enrolment forced against the policy: the refusal it overrode (a `DecisionCode`'s bytes).
    public var overrode: [UInt8]?

    public init(recordedAt: Instant, actor: String, batch: Int64? = nil, policyHash: String? = nil, overrode: [UInt8]? = nil) {
        self.recordedAt = recordedAt
        self.actor = actor
        self.batch = batch
        self.policyHash = policyHash
        self.overrode = overrode
    }
}

/// One decision to append: integers and the decision's code, nothing that can be derived.
public struct DecisionRecord: Sendable, Hashable {
    public var recordedAt: Instant
    public var actor: String
    public var user: UserID
    /// The version of the user's state the decision used (`UserState.version`).
    public var factsVersion: Int64
    public var lecture: LectureID
    /// The instant it was asked about.
    public var at: Instant
    public var effect: Effect
    /// The policy version, `sha256:…`.
    public var policyHash: String
    /// The decision's `DecisionCode` bytes.
    public var code: [UInt8]

    public init(
        recordedAt: Instant, actor: String, user: UserID, factsVersion: Int64, lecture: LectureID, at: Instant, effect: Effect,
        policyHash: String, code: [UInt8]
    ) {
        self.recordedAt = recordedAt
        self.actor = actor
        self.user = user
        self.factsVersion = factsVersion
        self.lecture = lecture
        self.at = at
        self.effect = effect
        self.policyHash = policyHash
        self.code = code
    }
}

/// An event that is neither a decision nor a change of a user: a policy version loaded, an
/// import started or finished, a request refused.
public struct EventRecord: Sendable, Hashable {
    public var recordedAt: Instant
    public var actor: String
    public var kind: AuditKind
    public var package: PackageID?
    /// For an import with enrolments: the instant they are made at.
    public var at: Instant?
    public var policyHash: String?
    public var batch: Int64?
    /// A JSON object with the rest.
    public var detail: String

    public init(
        recordedAt: Instant, actor: String, kind: AuditKind, package: PackageID? = nil, at: Instant? = nil, policyHash: String? = nil,
        batch: Int64? = nil, detail: String = "{}"
    ) {
        self.recordedAt = recordedAt
        self.actor = actor
        self.kind = kind
        self.package = package
        self.at = at
        self.policyHash = policyHash
        self.batch = batch
        self.detail = detail
    }
}

/// A row of the audit log as read back, of either format: what every row has, and what its kind has.
public struct AuditEntry: Sendable, Hashable {
    /// 1, 2, 3, … without gaps, across both formats and the three tables.
    public var seq: Int64
    public var recordedAt: Instant
    public var actor: String
    public var kind: AuditKind
    public var user: UserID?
    /// The package concerned (for a decision: its lecture's package).
    public var package: PackageID?
    public var lecture: LectureID?
    /// For a decision: the instant it was asked about; for an enrolment in a row of the first
    /// format, or an import: the enrolment's instant.
    public var at: Instant?
    public var effect: Effect?
    public var policyHash: String?
    public var batch: Int64?
    /// A row of the first format, or an event: its JSON detail.
    public var detail: String?
    /// A decision of the compact format: the version of the user's state it used, and its code.
    public var factsVersion: Int64?
    public var code: [UInt8]?
    /// A change of a user: the user's state after it, and for a forced enrolment the refusal it overrode.
    public var state: UserState?
    public var overrode: [UInt8]?
    /// Whether the row is of the first format (`audit_log_v1`).
    public var isLegacy: Bool
    /// The writer whose chain holds the row, on PostgreSQL (each writer numbers its own); nil on SQLite.
    public var writer: String?

    public init(seq: Int64, recordedAt: Instant, actor: String, kind: AuditKind, isLegacy: Bool = false) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.actor = actor
        self.kind = kind
        self.isLegacy = isLegacy
    }
}
