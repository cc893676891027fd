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
    /// Logged decisions matching `query`, newest first, of both formats. Call
    /// `refreshAuditIndexes()` first: a query by user or lecture reads the report indexes, which
    /// cover what has been caught up.
    ///
    /// Each table is read newest first up to the limit, and the two lists are merged, so a
    /// query with a limit stops early in both.
    public func decisions(_ query: DecisionQuery) throws(StoreError) -> [AuditEntry] {
        try read {
            let legacy = try decisionSeqs(query, compact: false)
            let compact = try decisionSeqs(query, compact: true)
            var merged = (legacy + compact).sorted(by: >)
            if let limit = query.limit { merged = Array(merged.prefix(limit)) }
            return try merged.compactMap { seq throws(StoreError) in try auditEntry(seq) }
        }
    }

    /// The sequence numbers of the decisions of one table that match, newest first.
    private func decisionSeqs(_ query: DecisionQuery, compact: Bool) throws -> [Int64] {
        let table = compact ? "audit_decisions" : "audit_log_v1"
        var sql: String
        var values: [SQLiteValue] = []
        var lecture: SQLiteValue?
        if let id = query.lecture {
            if compact {
                guard let text = try existingTextID(id.rawValue) else { return [] }
                lecture = .integer(text)
            } else {
                lecture = .text(id.rawValue)
            }
        }
        let lectureColumn = compact ? "a.lecture" : "a.lecture_id"
        if let user = query.user {
            sql = "SELECT a.seq FROM decisions_by_user i JOIN \(table) a ON a.seq = i.seq WHERE i.user_id = ?"
            values.append(.integer(user.rawValue))
            if let lecture {
                sql += " AND \(lectureColumn) = ?"
                values.append(lecture)
            }
        } else if let id = query.lecture {
            sql = "SELECT a.seq FROM decisions_by_lecture i JOIN \(table) a ON a.seq = i.seq WHERE i.lecture_id = ?"
            values.append(.text(id.rawValue))
        } else {
            sql = "SELECT a.seq FROM \(table) a WHERE " + (compact ? "1" : "a.kind = 'decision'")
        }
        if let package = query.package {
            if compact {
                sql += " AND a.lecture IN (SELECT t.id FROM audit_texts t JOIN lectures l ON l.id = t.text WHERE l.package_id = ?)"
            } else {
                sql += " AND a.package_id = ?"
            }
            values.append(.text(package.rawValue))
        }
        if let effect = query.effect {
            sql += " AND a.effect = ?"
            values.append(compact ? .integer(effect == .allow ? 0 : 1) : .text(effect.rawValue))
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
        let statement = try connection.cached(sql)
        try statement.bindAll(values)
        return try statement.rows { $0.int64(0) }
    }
}
