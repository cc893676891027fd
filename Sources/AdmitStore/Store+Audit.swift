import AdmitDomain
import SQLite

extension Store {
    // MARK: Appending

    /// Appends decisions to the hash-chained log, in order, and returns their sequence numbers.
    /// Call inside `write`.
    @discardableResult
    public func append(_ decisions: [DecisionRecord]) throws(StoreError) -> [Int64] {
        guard !decisions.isEmpty else { return [] }
        return try run {
            let insert = try hot(.insertDecision)
            var sequence: [Int64] = []
            sequence.reserveCapacity(decisions.count)
            var head = try chainHead()
            var lastActor = ("", Int64(0))
            var lastPolicy = ("", Int64(0))
            for decision in decisions {
                let seq = head.seq + 1
                if lastActor.0 != decision.actor || lastActor.1 == 0 { lastActor = (decision.actor, try textID(decision.actor)) }
                if lastPolicy.0 != decision.policyHash || lastPolicy.1 == 0 {
                    lastPolicy = (decision.policyHash, try textID(decision.policyHash))
                }
                let lecture = try textID(decision.lecture.rawValue)
                let effect: Int64 = decision.effect == .allow ? 0 : 1
                let hash = head.hash.withUnsafeBytes { hasher.decision(decision, seq: seq, previous: $0) }.bytes
                try insert.bind(seq, at: 1)
                try insert.bind(decision.recordedAt.millisecondsSinceEpoch, at: 2)
                try insert.bind(lastActor.1, at: 3)
                try insert.bind(decision.user.rawValue, at: 4)
                try insert.bind(decision.factsVersion, at: 5)
                try insert.bind(lecture, at: 6)
                try insert.bind(decision.at.millisecondsSinceEpoch, at: 7)
                try insert.bind(effect, at: 8)
                try insert.bind(lastPolicy.1, at: 9)
                try insert.bind(decision.code, at: 10)
                try insert.bind(hash, at: 11)
                _ = try insert.step()
                advanceChain(to: hash)
                head = ChainHead(seq: seq, hash: hash)
                sequence.append(seq)
            }
            return sequence
        }
    }

    /// Appends one decision; see `append(_:)`.
    @discardableResult
    public func append(_ decision: DecisionRecord) throws(StoreError) -> Int64 {
        try append([decision])[0]
    }

    /// Appends an event (policy loaded, import started or finished, request refused) and returns
    /// its sequence number. Call inside `write`.
    @discardableResult
    public func append(_ event: EventRecord) throws(StoreError) -> Int64 {
        try run {
            let head = try chainHead()
            let seq = head.seq + 1
            let actor = try textID(event.actor)
            let policy = try event.policyHash.map { try textID($0) }
            let hash = head.hash.withUnsafeBytes { previous in
                hasher.event(
                    previous: previous, seq: seq, recordedAt: event.recordedAt.millisecondsSinceEpoch, actor: event.actor,
                    kind: event.kind.rawValue, package: event.package?.rawValue, at: event.at?.millisecondsSinceEpoch,
                    policy: event.policyHash,
                    batch: event.batch, detail: event.detail)
            }.bytes
            try connection.run(
                """
                INSERT INTO audit_events(seq, recorded_at, actor, kind, package_id, at, policy, batch_id, detail, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, seq, event.recordedAt.millisecondsSinceEpoch, actor, event.kind.rawValue, event.package?.rawValue,
                event.at?.millisecondsSinceEpoch, policy, event.batch, event.detail, hash)
            advanceChain(to: hash)
            return seq
        }
    }

    // MARK: Reading

    /// How many rows the log holds (the head's sequence number).
    public func auditCount() throws(StoreError) -> Int64 {
        try run { try connection.queryFirst("SELECT seq FROM audit_head WHERE id = 1") { $0.int64(0) } ?? 0 }
    }

    /// The row with sequence number `seq`, of whichever table and format holds it.
    public func auditEntry(_ seq: Int64) throws(StoreError) -> AuditEntry? {
        try run {
            if let entry = try connection.queryFirst(
                "SELECT \(Store.decisionColumns) FROM audit_decisions WHERE seq = ?", seq, row: decisionEntry(from:))
            {
                return entry
            }
            if let entry = try connection.queryFirst(
                "SELECT \(Store.changeColumns) FROM audit_changes WHERE seq = ?", seq, row: changeEntry(from:))
            {
                return entry
            }
            if let entry = try connection.queryFirst(
                "SELECT \(Store.eventColumns) FROM audit_events WHERE seq = ?", seq, row: eventEntry(from:))
            {
                return entry
            }
            return try connection.queryFirst(
                "SELECT \(Store.legacyColumns) FROM audit_log_v1 WHERE seq = ?", seq, row: Store.legacyEntry(from:))
        }
    }

    /// Every row from `first` on, in order, at most `limit` (for tests and tools; the log can be large).
    public func auditEntries(from first: Int64 = 1, limit: Int = 10_000) throws(StoreError) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var seq = first
        let last = try auditCount()
        while seq <= last, entries.count < limit {
            if let entry = try auditEntry(seq) { entries.append(entry) }
            seq += 1
        }
        return entries
    }

    static let decisionColumns = "seq, recorded_at, actor, user_id, facts, lecture, at, effect, policy, reasons, hash"
    static let changeColumns =
        "seq, recorded_at, actor, kind, batch_id, policy, overrode, \(stateColumns), hash"
    static let eventColumns = "seq, recorded_at, actor, kind, package_id, at, policy, batch_id, detail, hash"
    static let legacyColumns =
        "seq, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail, prev_hash, hash"

    /// A text a row names by number; the row is damaged when `audit_texts` lacks it.
    func requiredText(_ id: Int64, _ table: String, _ column: String) throws -> String {
        guard let text = try text(id) else { throw StoreError.Cause.invalid(table, column, "text #\(id), which audit_texts does not hold") }
        return text
    }

    func decisionEntry(from row: Statement) throws -> AuditEntry {
        var entry = AuditEntry(
            seq: row.int64(0), recordedAt: Instant(millisecondsSinceEpoch: row.int64(1)),
            actor: try requiredText(row.int64(2), "audit_decisions", "actor"), kind: .decision)
        entry.user = UserID(row.int64(3))
        entry.factsVersion = row.int64(4)
        let lecture = try requiredText(row.int64(5), "audit_decisions", "lecture")
        entry.lecture = LectureID(lecture)
        entry.package = try lecturePackage(lecture)
        entry.at = Instant(millisecondsSinceEpoch: row.int64(6))
        entry.effect = row.int64(7) == 0 ? .allow : .deny
        entry.policyHash = try requiredText(row.int64(8), "audit_decisions", "policy")
        entry.code = row.blob(9) ?? []
        return entry
    }

    func changeEntry(from row: Statement) throws -> AuditEntry {
        guard let kind = AuditKind(changeNumber: row.int64(3)) else {
            throw StoreError.Cause.invalid("audit_changes", "kind", String(row.int64(3)))
        }
        var entry = AuditEntry(
            seq: row.int64(0), recordedAt: Instant(millisecondsSinceEpoch: row.int64(1)),
            actor: try requiredText(row.int64(2), "audit_changes", "actor"), kind: kind)
        entry.batch = row.isNull(4) ? nil : row.int64(4)
        entry.policyHash = row.isNull(5) ? nil : try requiredText(row.int64(5), "audit_changes", "policy")
        entry.overrode = row.blob(6)
        let state = try Store.userState(from: row, at: 7)
        entry.state = state
        entry.user = state.user.id
        return entry
    }

    func eventEntry(from row: Statement) throws -> AuditEntry {
        guard let kind = AuditKind(rawValue: row.string(3) ?? "") else {
            throw StoreError.Cause.invalid("audit_events", "kind", row.string(3))
        }
        var entry = AuditEntry(
            seq: row.int64(0), recordedAt: Instant(millisecondsSinceEpoch: row.int64(1)),
            actor: try requiredText(row.int64(2), "audit_events", "actor"), kind: kind)
        entry.package = row.string(4).map { PackageID($0) }
        entry.at = row.isNull(5) ? nil : Instant(millisecondsSinceEpoch: row.int64(5))
        entry.policyHash = row.isNull(6) ? nil : try requiredText(row.int64(6), "audit_events", "policy")
        entry.batch = row.isNull(7) ? nil : row.int64(7)
        entry.detail = row.string(8) ?? ""
        return entry
    }

    static func legacyRecord(from row: Statement) -> LegacyAuditRecord {
        func integer(_ column: Int32) -> Int64? { row.isNull(column) ? nil : row.int64(column) }
        return LegacyAuditRecord(
            recordedAt: row.int64(1), actor: row.string(2) ?? "", kind: row.string(3) ?? "", user: integer(4), package: row.string(5),
            lecture: row.string(6), at: integer(7), effect: row.string(8), policyHash: row.string(9), batch: integer(10),
            detail: row.string(11) ?? "")
    }

    static func legacyEntry(from row: Statement) throws -> AuditEntry {
        let record = legacyRecord(from: row)
        guard let kind = AuditKind(rawValue: record.kind) else { throw StoreError.Cause.invalid("audit_log_v1", "kind", record.kind) }
        var entry = AuditEntry(
            seq: row.int64(0), recordedAt: Instant(millisecondsSinceEpoch: record.recordedAt), actor: record.actor, kind: kind,
            isLegacy: true)
        entry.user = record.user.map { UserID($0) }
        entry.package = record.package.map { PackageID($0) }
        entry.lecture = record.lecture.map { LectureID($0) }
        entry.at = record.at.map { Instant(millisecondsSinceEpoch: $0) }
        if let text = record.effect {
            guard let effect = Effect(rawValue: text) else { throw StoreError.Cause.invalid("audit_log_v1", "effect", text) }
            entry.effect = effect
        }
        entry.policyHash = record.policyHash
        entry.batch = record.batch
        entry.detail = record.detail
        return entry
    }

    /// The package of a lecture, from the catalog tables.
    func lecturePackage(_ lecture: String) throws -> PackageID? {
        let select = try connection.cached("SELECT package_id FROM lectures WHERE id = ?")
        try select.bindAll(lecture)
        defer { select.reset() }
        return try select.step() ? select.string(0).map { PackageID($0) } : nil
    }
}
