/// How an enrolment came about.
public enum EnrolmentSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// The user enrolled themselves.
    case `self`
    /// A bulk registration (`admit register --package`).
    case bulk
    /// An administrator (`admit enrol --source admin`).
    case admin
}

/// A user's enrolment in a package, which counts from `enrolledAt` until it is withdrawn.
public struct Enrolment: Sendable, Hashable, Codable {
    /// Who is enrolled.
    public var user: UserID
    /// In which package.
    public var package: PackageID
    /// From when the enrolment counts.
    public var enrolledAt: Instant
    /// How it came about.
    public var source: EnrolmentSource
    /// True when it was made although the policy did not permit it at that instant (`--force`).
    public var forced: Bool
    /// When the enrolment was withdrawn; it no longer counts from that instant on.
    public var withdrawnAt: Instant?
    /// The user's account state when the enrolment was recorded (nil when not known), for audits
    /// ("enrolled while the account was suspended"). Rules do not read it.
    public var accountState: AccountState?
    /// The bulk import that recorded the enrolment, if any. Rules do not read it.
    public var batch: Int64?

    /// An enrolment of `user` in `package` from `enrolledAt`.
    public init(
        user: UserID, package: PackageID, enrolledAt: Instant, source: EnrolmentSource, forced: Bool = false,
        withdrawnAt: Instant? = nil, accountState: AccountState? = nil, batch: Int64? = nil
    ) {
        self.user = user
        self.package = package
        self.enrolledAt = enrolledAt
        self.source = source
        self.forced = forced
        self.withdrawnAt = withdrawnAt
        self.accountState = accountState
        self.batch = batch
    }

    /// Whether the enrolment counts at `instant`: at or after `enrolledAt` and before any withdrawal.
    @inlinable
    public func counts(at instant: Instant) -> Bool {
        enrolledAt <= instant && (withdrawnAt.map { instant < $0 } ?? true)
    }
}
