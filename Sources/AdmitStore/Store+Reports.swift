import AdmitDomain
import SQLite

/// Which enrolments a report covers: one package, enrolled in `[from, until)`.
public struct EnrolmentScope: Sendable, Hashable {
    public var package: PackageID
    public var from: Instant
    public var until: Instant

    public init(package: PackageID, from: Instant = .min, until: Instant = .max) {
        self.package = package
        self.from = from
        self.until = until
    }
}

/// One enrolment with the person behind it, as reports list them.
public struct EnrolmentReportRow: Sendable, Hashable {
    public var user: UserID
    public var email: String
    public var name: String
    public var country: String?
    public var source: EnrolmentSource?
    public var enrolledAt: Instant
    public var forced: Bool
    /// The account state when the enrolment was recorded (nil when unknown).
    public var accountState: AccountState?

    public init(
        user: UserID, email: String, name: String, country: String?, source: EnrolmentSource?, enrolledAt: Instant, forced: Bool,
        accountState: AccountState?
    ) {
        self.user = user
        self.email = email
        self.name = name
        self.country = country
        self.source = source
        self.enrolledAt = enrolledAt
        self.forced = forced
        self.accountState = accountState
    }
}

/// A lecture opened (an allowed decision) when the user had no enrolment in its package counting.
public struct OpenWithoutEnrolment: Sendable, Hashable {
    public var seq: Int64
    public var user: UserID
    public var email: String
    public var name: String
    public var lecture: LectureID
    public var at: Instant
    /// The writer whose chain holds the decision, on PostgreSQL; nil on SQLite.
    public var writer: String?

    public init(seq: Int64, user: UserID, email: String, name: String, lecture: LectureID, at: Instant, writer: String? = nil) {
        self.seq = seq
        self.user = user
        self.email = email
        self.name = name
        self.lecture = lecture
        self.at = at
        self.writer = writer
    }
}

extension Store {
    /// Allowed openings in `scope`'s package and time range when the user had no enrolment counting.
    /// Call `refreshAuditIndexes()` first.
    ///
    /// The index keeps the openings that had no enrolment when they were indexed; each is checked
    /// again here, so an enrolment recorded later with an earlier start clears it.
    public func opensWithoutEnrolment(_ scope: EnrolmentScope, limit: Int?) throws(StoreError) -> (
        count: Int64, rows: [OpenWithoutEnrolment]
    ) {
        let bounds = (scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
        return try read {
            let count =
                try connection.queryFirst(
                    "SELECT count(*) FROM opens_without_enrolment o WHERE o.package_id = ? AND o.at >= ? AND o.at < ? AND \(Store.stillUnenrolled)",
                    bounds.0, bounds.1, bounds.2
                ) { $0.int64(0) } ?? 0
            let rows = try connection.query(
                """
                SELECT o.seq, o.user_id, u.email, u.name, o.lecture_id, o.at FROM opens_without_enrolment o JOIN users u ON u.id = o.user_id
                WHERE o.package_id = ? AND o.at >= ? AND o.at < ? AND \(Store.stillUnenrolled) ORDER BY o.at, o.seq LIMIT ?
                """, bounds.0, bounds.1, bounds.2, Int64(limit ?? -1)
            ) {
                OpenWithoutEnrolment(
                    seq: $0.int64(0), user: UserID($0.int64(1)), email: $0.string(2) ?? "", name: $0.string(3) ?? "",
                    lecture: LectureID($0.string(4) ?? ""), at: Instant(millisecondsSinceEpoch: $0.int64(5)))
            }
            return (count, rows)
        }
    }
}

extension Store {
    /// SQL that is true when an enrolment of `user` in `package` counts at `at` (three SQL
    /// expressions): `Enrolment.counts(at:)` in SQL.
    static func enrolmentCounts(user: String, package: String, at: String) -> String {
        """
        EXISTS (SELECT 1 FROM enrolments e INDEXED BY enrolments_by_user WHERE e.user_id = \(user) AND e.package_id = \(package)
            AND e.enrolled_at <= \(at) AND (e.withdrawn_at IS NULL OR e.withdrawn_at > \(at)))
        """
    }

    /// For a row `o` of `opens_without_enrolment`: no enrolment of the user in the package counts at `o.at` now.
    static let stillUnenrolled = "NOT " + enrolmentCounts(user: "o.user_id", package: "o.package_id", at: "o.at")
}
