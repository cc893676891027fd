import AdmitDomain
import SQLite

extension Store {
    /// Brings the report tables (decisions by user and by lecture, openings per user and package,
    /// openings without an enrolment) up to the end of the audit log; returns how many log rows it read.
    ///
    /// The append path never touches these tables: they are caught up here, in chunks of `chunk`
    /// rows per transaction, when a report needs them. `progress` gets (rows read, rows to read).
    @discardableResult
    public func refreshAuditIndexes(chunk: Int64 = 50_000, progress: (Int64, Int64) -> Void = { _, _ in }) throws(StoreError) -> Int64 {
        let head = try auditCount()
        let start = try run { try indexedSeq() }
        guard start < head else { return 0 }
        // The side tables are written in user and lecture order, not log order: a large page cache
        // keeps that from turning into one disk read per row.
        let cache = try run { try connection.queryFirst("PRAGMA cache_size") { $0.int64(0) } ?? -2000 }
        try run { try connection.execute("PRAGMA cache_size = -262144") }
        defer { try? connection.execute("PRAGMA cache_size = \(cache)") }
        var done = start
        while done < head {
            let upper = Swift.min(done + chunk, head)
            try write { try indexDecisions(after: done, through: upper) }
            done = upper
            progress(done - start, head - start)
        }
        return head - start
    }

    /// How many audit rows the report tables have not caught up with yet.
    public func auditIndexBacklog() throws(StoreError) -> Int64 {
        let head = try auditCount()
        let indexed = try run { try indexedSeq() }
        return Swift.max(0, head - indexed)
    }

    /// The last audit row the report tables cover.
    private func indexedSeq() throws -> Int64 {
        try connection.queryFirst("SELECT last_seq FROM audit_index_state WHERE id = 1") { $0.int64(0) } ?? 0
    }

    private func indexDecisions(after lower: Int64, through upper: Int64) throws {
        // Re-read inside the lock: another process may have caught up meanwhile.
        let from = try indexedSeq()
        guard from < upper else { return }
        let byUser = try connection.cached("INSERT OR IGNORE INTO decisions_by_user(user_id, seq) VALUES (?, ?)")
        let byLecture = try connection.cached("INSERT OR IGNORE INTO decisions_by_lecture(lecture_id, seq) VALUES (?, ?)")
        let opened = try connection.cached(
            """
            INSERT INTO lecture_opens(user_id, package_id, first_at, last_at, opens) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (user_id, package_id) DO UPDATE SET
                first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at), opens = opens + 1
            """)
        let enrolled = try connection.cached("SELECT " + Store.enrolmentCounts(user: "?1", package: "?2", at: "?3"))
        let unenrolled = try connection.cached(
            "INSERT OR IGNORE INTO opens_without_enrolment(seq, user_id, package_id, lecture_id, at) VALUES (?, ?, ?, ?, ?)")
        func index(seq: Int64, user: Int64, lecture: String, package: String?, at: Int64, allowed: Bool) throws {
            try byUser.bindAll(user, seq)
            _ = try byUser.step()
            guard let package else { return }
            try byLecture.bindAll(lecture, seq)
            _ = try byLecture.step()
            guard allowed else { return }
            try opened.bindAll(user, package, at, at)
            _ = try opened.step()
            try enrolled.bindAll(user, package, at)
            let hasEnrolment = try enrolled.step() && enrolled.int64(0) != 0
            enrolled.reset()
            if !hasEnrolment {
                try unenrolled.bindAll(seq, user, package, lecture, at)
                _ = try unenrolled.step()
            }
        }
        let lower = Swift.max(from, lower)
        let legacy = try connection.prepare(
            "SELECT seq, user_id, package_id, lecture_id, at, effect FROM audit_log_v1 WHERE seq > ? AND seq <= ? AND kind = 'decision'")
        try legacy.bindAll(lower, upper)
        while try legacy.step() {
            guard !legacy.isNull(1) else { continue }
            try index(
                seq: legacy.int64(0), user: legacy.int64(1), lecture: legacy.string(3) ?? "",
                package: legacy.isNull(3) ? nil : legacy.string(2), at: legacy.int64(4),
                allowed: legacy.string(5) == Effect.allow.rawValue && !legacy.isNull(4))
        }
        let compact = try connection.prepare("SELECT seq, user_id, lecture, at, effect FROM audit_decisions WHERE seq > ? AND seq <= ?")
        try compact.bindAll(lower, upper)
        var packages: [Int64: (String, String?)] = [:]
        while try compact.step() {
            let id = compact.int64(2)
            if packages[id] == nil {
                let lecture = try text(id) ?? ""
                packages[id] = (lecture, try lecturePackage(lecture)?.rawValue)
            }
            let (lecture, package) = packages[id] ?? ("", nil)
            try index(
                seq: compact.int64(0), user: compact.int64(1), lecture: lecture, package: package, at: compact.int64(3),
                allowed: compact.int64(4) == 0)
        }
        try connection.run("UPDATE audit_index_state SET last_seq = ? WHERE id = 1", upper)
    }
}
