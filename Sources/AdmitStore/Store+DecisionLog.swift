import AdmitDomain
import SQLite

/// Which logged decisions to list; every field narrows the list.
public struct DecisionQuery: Sendable, Hashable {
    public var user: UserID?
    public var lecture: LectureID?
    public var package: PackageID?
    public var effect: Effect?
    /// Decisions about instants in `[from, until)`.
    public var from: Instant?
    public var until: Instant?
    /// At most this many, newest first; nil for all.
    public var limit: Int?

    public init(
        user: UserID? = nil, lecture: LectureID? = nil, package: PackageID? = nil, effect: Effect? = nil, from: Instant? = nil,
        until: Instant? = nil, limit: Int? = 100
    ) {
        self.user = user
        self.lecture = lecture
        self.package = package
        self.effect = effect
        self.from = from
        self.until = until
        self.limit = limit
    }
}

extension Store {
    /// Logged decisions matching `query`, newest first. Call `refreshAuditIndexes()` first: a query
    /// by user or lecture reads the report indexes, which cover what has been caught up.
    public func decisions(_ query: DecisionQuery) throws(StoreError) -> [AuditEntry] {
        var sql: String
        var values: [SQLiteValue] = []
        let columns = Store.qualifiedAuditColumns
        if let user = query.user {
            sql = "SELECT \(columns) FROM decisions_by_user i JOIN audit_log a ON a.seq = i.seq WHERE i.user_id = ?"
            values.append(.integer(user.rawValue))
            if let lecture = query.lecture {
                sql += " AND a.lecture_id = ?"
                values.append(.text(lecture.rawValue))
            }
        } else if let lecture = query.lecture {
            sql = "SELECT \(columns) FROM decisions_by_lecture i JOIN audit_log a ON a.seq = i.seq WHERE i.lecture_id = ?"
            values.append(.text(lecture.rawValue))
        } else {
            sql = "SELECT \(columns) FROM audit_log a WHERE a.kind = 'decision'"
        }
        if let package = query.package {
            sql += " AND a.package_id = ?"
            values.append(.text(package.rawValue))
        }
        if let effect = query.effect {
            sql += " AND a.effect = ?"
            values.append(.text(effect.rawValue))
        }
        if let from = query.from {
            sql += " AND a.at >= ?"
            values.append(.integer(from.millisecondsSinceEpoch))
        }
        if let until = query.until {
            sql += " AND a.at < ?"
            values.append(.integer(until.millisecondsSinceEpoch))
        }
        sql += " ORDER BY a.seq DESC LIMIT ?"
        values.append(.integer(Int64(query.limit ?? -1)))
        return try run {
            let statement = try connection.cached(sql)
            try statement.bindAll(values)
            return try statement.rows(Store.auditEntry(from:))
        }
    }
}

extension Store {
    /// `auditColumns`, each as `a.column`, for queries that join `audit_log a`.
    static let qualifiedAuditColumns = auditColumns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")
}
