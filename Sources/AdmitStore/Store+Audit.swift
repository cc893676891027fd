import AdmitDomain
import SQLite

/// The result of checking the audit log's hash chain.
public struct AuditVerification: Sendable, Hashable {
    /// How many rows were checked.
    public var rows: Int64
    /// The first row that breaks the chain, and how; nil when the whole log is intact.
    public var firstBreak: AuditBreak?

    public init(rows: Int64, firstBreak: AuditBreak?) {
        self.rows = rows
        self.firstBreak = firstBreak
    }

    public var isIntact: Bool { firstBreak == nil }
}

/// Where and how the audit chain is broken.
public struct AuditBreak: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number of the first row that does not fit (for a truncated log: the first missing one).
    public var seq: Int64
    public var reason: String

    public var description: String { "row \(seq): \(reason)" }
}

extension Store {
    static let auditColumns = """
        seq, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail, prev_hash, hash
        """

    /// Appends records to the hash-chained log, in order, and returns their sequence numbers.
    /// Call inside `write` (in the same transaction as the change they record).
    @discardableResult
    public func append(_ records: [AuditRecord]) throws(StoreError) -> [Int64] {
        guard !records.isEmpty else { return [] }
        return try run {
            var appender = try AuditAppender(store: self)
            let sequence = try records.map { try appender.append($0) }
            try appender.finish()
            return sequence
        }
    }

    /// The last row's sequence number and hash as `audit_head` records them (nil if the row is gone).
    func auditHead() throws -> (seq: Int64, hash: String)? {
        try connection.queryFirst("SELECT seq, hash FROM audit_head WHERE id = 1", row: { ($0.int64(0), $0.string(1) ?? "") })
    }

    /// Appends one record; see `append(_:)`.
    @discardableResult
    public func append(_ record: AuditRecord) throws(StoreError) -> Int64 {
        try append([record])[0]
    }

    /// The entry with sequence number `seq`.
    public func auditEntry(_ seq: Int64) throws(StoreError) -> AuditEntry? {
        try run {
            try connection.queryFirst("SELECT \(Store.auditColumns) FROM audit_log WHERE seq = ?", seq, row: Store.auditEntry(from:))
        }
    }

    /// How many rows the log holds.
    public func auditCount() throws(StoreError) -> Int64 {
        try run { try connection.queryFirst("SELECT seq FROM audit_head WHERE id = 1") { $0.int64(0) } ?? 0 }
    }

    /// Recomputes the whole chain and names the first row that breaks it.
    ///
    /// Detects a row whose content was edited (its hash no longer matches), a row deleted or
    /// inserted in the middle (a gap in the sequence, or a previous-hash that does not link), and
    /// rows removed from the end (the log stops before the recorded head).
    public func verifyAudit(progress: (Int64) -> Void = { _ in }) throws(StoreError) -> AuditVerification {
        try read {
            var expectedSeq: Int64 = 1
            var previous = AuditChain.genesis
            var found: AuditBreak?
            var scratch: [UInt8] = []
            let statement = try connection.prepare("SELECT \(Store.auditColumns) FROM audit_log ORDER BY seq")
            while try statement.step() {
                let entry: AuditEntry
                do { entry = try Store.auditEntry(from: statement) } catch {
                    found = AuditBreak(seq: statement.int64(0), reason: "it holds a value no Admit writes (the row was edited): \(error)")
                    break
                }
                if entry.seq != expectedSeq {
                    found = AuditBreak(
                        seq: Swift.min(entry.seq, expectedSeq),
                        reason: entry.seq > expectedSeq
                            ? "rows \(expectedSeq)…\(entry.seq - 1) are missing (deleted, or row \(entry.seq) was inserted out of sequence)"
                            : "sequence number repeats or goes back")
                    break
                }
                if entry.previousHash != previous {
                    found = AuditBreak(
                        seq: entry.seq,
                        reason: "its previous-hash does not match the row before it (a row was inserted, deleted or edited before it)")
                    break
                }
                let recomputed = AuditChain.hash(seq: entry.seq, record: entry.record, previous: previous, scratch: &scratch)
                if recomputed != entry.hash {
                    found = AuditBreak(seq: entry.seq, reason: "its content does not match its hash (the row was edited)")
                    break
                }
                previous = entry.hash
                expectedSeq += 1
                if expectedSeq % 100_000 == 0 { progress(expectedSeq - 1) }
            }
            let checked = expectedSeq - 1
            if found == nil {
                guard let head = try auditHead() else {
                    return AuditVerification(
                        rows: checked, firstBreak: AuditBreak(seq: checked + 1, reason: "the audit head row is missing (it was deleted)"))
                }
                if head.0 > checked {
                    found = AuditBreak(
                        seq: checked + 1,
                        reason: "the log ends at row \(checked) but its head records row \(head.0): rows were deleted from the end")
                } else if head.0 < checked || head.1 != previous {
                    found = AuditBreak(
                        seq: head.0, reason: "the recorded head does not match the last row (the head or the log was edited)")
                }
            }
            return AuditVerification(rows: checked, firstBreak: found)
        }
    }

    static func auditEntry(from row: Statement) throws -> AuditEntry {
        guard let kind = AuditKind(rawValue: row.string(3) ?? "") else { throw StoreError.corrupt("audit_log", "kind", row.string(3)) }
        func instant(_ column: Int32) -> Instant? { row.isNull(column) ? nil : Instant(millisecondsSinceEpoch: row.int64(column)) }
        func integer(_ column: Int32) -> Int64? { row.isNull(column) ? nil : row.int64(column) }
        let user: UserID? = integer(4).map { UserID($0) }
        let package: PackageID? = row.string(5).map { PackageID($0) }
        let lecture: LectureID? = row.string(6).map { LectureID($0) }
        var effect: Effect?
        if let text = row.string(8) {
            guard let known = Effect(rawValue: text) else { throw StoreError.corrupt("audit_log", "effect", text) }
            effect = known
        }
        let record = AuditRecord(
            recordedAt: Instant(millisecondsSinceEpoch: row.int64(1)), actor: row.string(2) ?? "", kind: kind, user: user,
            package: package, lecture: lecture, at: instant(7), effect: effect, policyHash: row.string(9), batch: integer(10),
            detail: row.string(11) ?? "")
        return AuditEntry(seq: row.int64(0), record: record, previousHash: row.string(12) ?? "", hash: row.string(13) ?? "")
    }
}

/// Appends rows to the hash-chained log inside an open write transaction: reads the head once,
/// inserts each row with its hash, and writes the head back in `finish()`. The one append path,
/// for `Store.append` and for an import session's transactions.
struct AuditAppender {
    private let store: Store
    private let insert: Statement
    private var seq: Int64
    private var previous: String
    private var scratch: [UInt8] = []

    init(store: Store) throws {
        guard let head = try store.auditHead() else {
            throw StoreError(kind: .other, path: store.path, message: "the audit head row is missing")
        }
        (seq, previous) = head
        self.store = store
        insert = try store.connection.cached(
            "INSERT INTO audit_log(\(Store.auditColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    }

    /// Inserts `record` as the next row; returns its sequence number.
    mutating func append(_ record: AuditRecord) throws -> Int64 {
        let next = seq + 1
        let hash = AuditChain.hash(seq: next, record: record, previous: previous, scratch: &scratch)
        try insert.bind(next, at: 1)
        try insert.bind(record.recordedAt.millisecondsSinceEpoch, at: 2)
        try insert.bind(record.actor, at: 3)
        try insert.bind(record.kind.rawValue, at: 4)
        try insert.bind(record.user?.rawValue, at: 5)
        try insert.bind(record.package?.rawValue, at: 6)
        try insert.bind(record.lecture?.rawValue, at: 7)
        try insert.bind(record.at?.millisecondsSinceEpoch, at: 8)
        try insert.bind(record.effect?.rawValue, at: 9)
        try insert.bind(record.policyHash, at: 10)
        try insert.bind(record.batch, at: 11)
        try insert.bind(record.detail, at: 12)
        try insert.bind(previous, at: 13)
        try insert.bind(hash, at: 14)
        _ = try insert.step()
        seq = next
        previous = hash
        return next
    }

    /// Records the last row in `audit_head`.
    func finish() throws {
        try store.connection.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, previous)
    }
}
