import AdmitDomain

/// What kind of event an audit row records.
public enum AuditKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An access decision (`admit check`, the service's `check`).
    case decision
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case enrolmentAdded = "enrolment.added"
    case enrolmentWithdrawn = "enrolment.withdrawn"
    /// A policy version seen for the first time.
    case policyLoaded = "policy.loaded"
    case importStarted = "import.started"
    case importFinished = "import.finished"
    /// A request refused before it reached the engine (e.g. a mutation without a valid token).
    case requestRefused = "request.refused"
}

/// One event to append to the audit log.
///
/// The columns hold what reports filter on; `detail` holds the rest as a JSON object (for a
/// decision: the reasons, the deciding rules and the facts it used, enough to replay it).
public struct AuditRecord: Sendable, Hashable {
    /// When the event was recorded (wall clock).
    public var recordedAt: Instant
    /// Who caused it, e.g. `cli:alice` or `service:127.0.0.1:50312`.
    public var actor: String
    public var kind: AuditKind
    public var user: UserID?
    public var package: PackageID?
    public var lecture: LectureID?
    /// For a decision: the instant it was asked about.
    public var at: Instant?
    /// For a decision: the effect.
    public var effect: Effect?
    /// For a decision or a policy load: the policy version, `sha256:…`.
    public var policyHash: String?
    /// For a bulk change: the import batch.
    public var batch: Int64?
    /// A JSON object with the rest.
    public var detail: String

    public init(
        recordedAt: Instant, actor: String, kind: AuditKind, user: UserID? = nil, package: PackageID? = nil,
        lecture: LectureID? = nil, at: Instant? = nil, effect: Effect? = nil, policyHash: String? = nil, batch: Int64? = nil,
        detail: String = "{}"
    ) {
        self.recordedAt = recordedAt
        self.actor = actor
        self.kind = kind
        self.user = user
        self.package = package
        self.lecture = lecture
        self.at = at
        self.effect = effect
        self.policyHash = policyHash
        self.batch = batch
        self.detail = detail
    }
}

/// A row of the audit log: the record, its place in the log and its link in the hash chain.
public struct AuditEntry: Sendable, Hashable {
    /// 1, 2, 3, … without gaps.
    public var seq: Int64
    public var record: AuditRecord
    /// The previous row's hash (64 zeros for the first row).
    public var previousHash: String
    /// SHA-256 of `previousHash` and this row's content, in hex.
    public var hash: String
}
