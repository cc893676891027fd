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

/// Enrolment counts for one combination of profession, country and source.
public struct EnrolmentGroup: Sendable, Hashable {
    public var profession: Profession
    public var country: CountryCode?
    public var source: EnrolmentSource
    public var count: Int64
    public var withdrawn: Int64
    public var first: Instant
    public var last: Instant
}

/// One enrolment with the person behind it, as reports list them.
public struct EnrolmentReportRow: Sendable, Hashable {
    public var user: UserID
    public var email: String
    public var name: String
    public var profession: String
    public var country: String?
    public var source: String
    public var enrolledAt: Instant
    public var forced: Bool
    /// The account state when the enrolment was recorded (nil when unknown).
    public var accountState: String?
    public var withdrawnAt: Instant?
}

/// A lecture opened (an allowed decision) when the user had no enrolment in its package counting.
public struct OpenWithoutEnrolment: Sendable, Hashable {
    public var seq: Int64
    public var user: UserID
    public var email: String
    public var name: String
    public var lecture: LectureID
    public var at: Instant
}

/// The enrolments a report flags, by kind.
public enum EnrolmentAnomaly: String, Sendable, Hashable, CaseIterable {
    /// Recorded although the policy did not permit it (`--force`).
    case forced
    /// Recorded while the user's account was suspended or closed.
    case inactiveAccount = "inactive-account"
    /// The user never opened a lecture of the package.
    case neverOpened = "never-opened"
}

extension Store {
    /// Counts by profession, country and source, with withdrawals and the first and last instant.
    public func enrolmentGroups(_ scope: EnrolmentScope) throws(StoreError) -> [EnrolmentGroup] {
        try run {
            try connection.query(
                """
                SELECT u.profession, u.country, e.source, count(*), sum(e.withdrawn_at IS NOT NULL), min(e.enrolled_at), max(e.enrolled_at)
                FROM enrolments e JOIN users u ON u.id = e.user_id
                WHERE e.package_id = ? AND e.enrolled_at >= ? AND e.enrolled_at < ?
                GROUP BY 1, 2, 3
                """,
                scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch
            ) { row throws -> EnrolmentGroup in
                guard let profession = Profession(rawValue: row.string(0) ?? "") else { throw StoreError.corrupt("users", "profession", row.string(0)) }
                guard let source = EnrolmentSource(rawValue: row.string(2) ?? "") else { throw StoreError.corrupt("enrolments", "source", row.string(2)) }
                return EnrolmentGroup(
                    profession: profession, country: row.string(1).flatMap(CountryCode.init), source: source, count: row.int64(3),
                    withdrawn: row.int64(4), first: Instant(millisecondsSinceEpoch: row.int64(5)), last: Instant(millisecondsSinceEpoch: row.int64(6)))
            }
        }
    }

    /// Enrolment counts per bucket of `bucket` milliseconds (bucket start, count), in time order.
    public func enrolmentCounts(_ scope: EnrolmentScope, bucket: Int64) throws(StoreError) -> [(start: Instant, count: Int64)] {
        try run {
            try connection.query(
                """
                SELECT enrolled_at - (enrolled_at % ?), count(*) FROM enrolments
                WHERE package_id = ? AND enrolled_at >= ? AND enrolled_at < ? GROUP BY 1 ORDER BY 1
                """,
                bucket, scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch
            ) { (start: Instant(millisecondsSinceEpoch: $0.int64(0)), count: $0.int64(1)) }
        }
    }

    /// How many enrolments show `anomaly`, and the first `limit` of them (all when `limit` is nil).
    /// Call `refreshAuditIndexes()` first for `.neverOpened`.
    public func enrolments(with anomaly: EnrolmentAnomaly, _ scope: EnrolmentScope, limit: Int?) throws(StoreError)
        -> (count: Int64, rows: [EnrolmentReportRow])
    {
        let condition: String
        switch anomaly {
        case .forced: condition = "e.forced = 1"
        case .inactiveAccount: condition = "e.account_state IS NOT NULL AND e.account_state <> 'active'"
        case .neverOpened:
            condition = "NOT EXISTS (SELECT 1 FROM lecture_opens o WHERE o.user_id = e.user_id AND o.package_id = e.package_id)"
        }
        let scopeSQL = "e.package_id = ? AND e.enrolled_at >= ? AND e.enrolled_at < ? AND \(condition)"
        let bounds = (scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
        return try read {
            let count = try connection.queryFirst("SELECT count(*) FROM enrolments e WHERE \(scopeSQL)", bounds.0, bounds.1, bounds.2) {
                $0.int64(0)
            } ?? 0
            let rows = try connection.query(
                """
                SELECT e.user_id, u.email, u.name, u.profession, u.country, e.source, e.enrolled_at, e.forced, e.account_state, e.withdrawn_at
                FROM enrolments e JOIN users u ON u.id = e.user_id WHERE \(scopeSQL) ORDER BY e.enrolled_at, e.id LIMIT ?
                """, bounds.0, bounds.1, bounds.2, Int64(limit ?? -1), row: Store.enrolmentReportRow(from:))
            return (count, rows)
        }
    }

    /// Every enrolment in scope with its person (for finding likely duplicate people).
    public func forEachEnrolment(_ scope: EnrolmentScope, _ body: (EnrolmentReportRow) throws -> Void) throws(StoreError) {
        try read {
            let statement = try connection.prepare(
                """
                SELECT e.user_id, u.email, u.name, u.profession, u.country, e.source, e.enrolled_at, e.forced, e.account_state, e.withdrawn_at
                FROM enrolments e JOIN users u ON u.id = e.user_id
                WHERE e.package_id = ? AND e.enrolled_at >= ? AND e.enrolled_at < ?
                """)
            try statement.bindAll(scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
            while try statement.step() { try body(try Store.enrolmentReportRow(from: statement)) }
        }
    }

    /// Allowed openings in `scope`'s package and time range when the user had no enrolment counting.
    /// Call `refreshAuditIndexes()` first.
    public func opensWithoutEnrolment(_ scope: EnrolmentScope, limit: Int?) throws(StoreError) -> (count: Int64, rows: [OpenWithoutEnrolment]) {
        let bounds = (scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
        return try read {
            let count = try connection.queryFirst(
                "SELECT count(*) FROM opens_without_enrolment WHERE package_id = ? AND at >= ? AND at < ?", bounds.0, bounds.1, bounds.2
            ) { $0.int64(0) } ?? 0
            let rows = try connection.query(
                """
                SELECT o.seq, o.user_id, u.email, u.name, o.lecture_id, o.at FROM opens_without_enrolment o JOIN users u ON u.id = o.user_id
                WHERE o.package_id = ? AND o.at >= ? AND o.at < ? ORDER BY o.at, o.seq LIMIT ?
                """, bounds.0, bounds.1, bounds.2, Int64(limit ?? -1)
            ) {
                OpenWithoutEnrolment(
                    seq: $0.int64(0), user: UserID($0.int64(1)), email: $0.string(2) ?? "", name: $0.string(3) ?? "",
                    lecture: LectureID($0.string(4) ?? ""), at: Instant(millisecondsSinceEpoch: $0.int64(5)))
            }
            return (count, rows)
        }
    }

    static func enrolmentReportRow(from row: Statement) -> EnrolmentReportRow {
        EnrolmentReportRow(
            user: UserID(row.int64(0)), email: row.string(1) ?? "", name: row.string(2) ?? "", profession: row.string(3) ?? "",
            country: row.string(4), source: row.string(5) ?? "", enrolledAt: Instant(millisecondsSinceEpoch: row.int64(6)),
            forced: row.bool(7), accountState: row.string(8), withdrawnAt: row.isNull(9) ? nil : Instant(millisecondsSinceEpoch: row.int64(9)))
    }
}
