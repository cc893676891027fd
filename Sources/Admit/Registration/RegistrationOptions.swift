import AdmitDomain

/// How `Admission.register` applies rows.
public struct RegistrationOptions: Sendable, Hashable {
    /// Apply nothing at all if any row is rejected (or an enrolment refused): one transaction
    /// for the whole input, rolled back at the end. The write lock is held for the whole run.
    public var atomic: Bool
    /// Work out every row's outcome in a transaction that is always rolled back: the database
    /// is left exactly as it was and no import batch is recorded. Holds the write lock meanwhile.
    public var dryRun: Bool
    /// Also enrol every user whose row was applied in this package, under the policy's `enrol` rules.
    public var package: String?
    /// When the enrolments take effect and are decided (default: the start of the import).
    public var at: Instant?
    /// Enrol even where the policy refuses; each such enrolment is marked forced in the audit log.
    public var force: Bool
    /// Rows per transaction in the default mode; each commit makes the rows before it durable.
    public var chunkSize: Int
    /// How many rejects the summary keeps (all of them go to the rejects file).
    public var keptRejects: Int

    public init(
        atomic: Bool = false, dryRun: Bool = false, package: String? = nil, at: Instant? = nil, force: Bool = false,
        chunkSize: Int = 10_000, keptRejects: Int = 100
    ) {
        self.atomic = atomic
        self.dryRun = dryRun
        self.package = package
        self.at = at
        self.force = force
        self.chunkSize = max(1, chunkSize)
        self.keptRejects = max(0, keptRejects)
    }

    /// Refuses options that contradict each other: `at` and `force` apply to the enrolments, so
    /// they need a package, unless the input's format names the packages itself (OneRoster,
    /// through its classes).
    public func check(format: RegistrationFormat?) throws(AdmitError) {
        if package == nil, format != .oneroster, at != nil || force {
            throw .invalidInput(.needsPackage(option: at != nil ? "at" : "force"))
        }
    }

    /// `dry-run`, `atomic` or `chunked`.
    public var modeName: String { dryRun ? "dry-run" : atomic ? "atomic" : "chunked" }
}

/// How far a registration has got, for a progress line.
public struct RegistrationProgress: Sendable, Hashable {
    /// Rows read so far (blank lines not counted).
    public var rows: Int
    /// Bytes of input read so far.
    public var bytes: Int64
    /// The size of the input when known (a regular file), for an estimate of the time left.
    public var totalBytes: Int64?
    /// Time since the rows started.
    public var elapsed: Duration
}

/// What happened to one row, for callers that report row by row (the service).
public struct RegistrationRowResult: Sendable, Hashable {
    /// What happened to one row.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case created, updated, unchanged, rejected
    }

    /// What happened to a row's enrolment (with `package`).
    public enum Enrolment: String, Sendable, Hashable {
        case enrolled
        case alreadyEnrolled = "already-enrolled"
        case refused
    }

    public var line: Int
    public var outcome: Outcome
    /// The user after the row (nil when rejected).
    public var user: User?
    /// Why the row, or its enrolment, was refused.
    public var reject: RegistrationReject?
    public var enrolment: Enrolment?
    /// True when the enrolment was made against the policy (`force`).
    public var forced: Bool
}
