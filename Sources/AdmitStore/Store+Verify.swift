import AdmitDomain
import Foundation
import SQLite

/// The result of checking the audit log's hash chain, and the tables against the log.
public struct AuditVerification: Sendable, Hashable {
    /// How many rows of the log were checked.
    public var rows: Int64
    /// The first row that breaks the chain, and how; nil when the chain is intact.
    public var firstBreak: AuditBreak?
    /// Where the `users` and `enrolments` tables differ from the state the log's change rows
    /// give (at most `StateCheck.listed`, in user order); empty when they agree.
    public var stateProblems: [StateProblem]
    /// How many differences there are in all.
    public var stateProblemCount: Int
    /// How many users' states were compared with the tables.
    public var users: Int64

    public init(rows: Int64, firstBreak: AuditBreak?, stateProblems: [StateProblem] = [], stateProblemCount: Int = 0, users: Int64 = 0) {
        self.rows = rows
        self.firstBreak = firstBreak
        self.stateProblems = stateProblems
        self.stateProblemCount = stateProblemCount
        self.users = users
    }

    /// Whether the chain is intact and the tables are the log's state.
    public var isIntact: Bool { firstBreak == nil && stateProblemCount == 0 }
}

/// Where and how the audit chain is broken.
public struct AuditBreak: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number of the first row that does not fit (for a truncated log: the first missing one).
    public var seq: Int64
    public var reason: String

    public init(seq: Int64, reason: String) {
        self.seq = seq
        self.reason = reason
    }

    public var description: String { "row \(seq): \(reason)" }
}

/// A difference between a table and the state the audit log gives: a row edited, added or
/// removed outside Admit.
public struct StateProblem: Sendable, Hashable, CustomStringConvertible {
    /// `users` or `enrolments`.
    public var table: String
    /// The row, e.g. `id 17` or `user 17, idor-2020 enrolled at 1604912400000`.
    public var row: String
    /// The column that differs; nil when the whole row is missing from one side.
    public var field: String?
    /// The value in the table (nil: no such row, or NULL).
    public var tableValue: String?
    /// The value the log gives (nil: no such row, or none).
    public var logValue: String?
    /// The log row that holds the user's latest state.
    public var logSeq: Int64?
    /// The writer whose chain holds that row (PostgreSQL; nil on SQLite, which has one chain).
    public var logWriter: String?

    public init(
        table: String, row: String, field: String? = nil, tableValue: String? = nil, logValue: String? = nil, logSeq: Int64? = nil,
        logWriter: String? = nil
    ) {
        self.table = table
        self.row = row
        self.field = field
        self.tableValue = tableValue
        self.logValue = logValue
        self.logSeq = logSeq
        self.logWriter = logWriter
    }

    public var description: String {
        let source = logSeq.map { " (audit row \($0)\(logWriter.map { " of writer '\($0)'" } ?? ""))" } ?? ""
        guard let field else {
            return tableValue == nil
                ? "\(table) \(row): missing from the table; the audit log has it\(source)"
                : "\(table) \(row): in the table, but not in the audit log's state\(source)"
        }
        return "\(table) \(row): \(field) is \(Self.shown(tableValue)) in the table, \(Self.shown(logValue)) in the audit log\(source)"
    }

    private static func shown(_ value: String?) -> String { value.map { "'\($0)'" } ?? "NULL" }
}

extension Store {
    /// Recomputes the whole chain, names the first row that breaks it, and compares the `users`
    /// and `enrolments` tables with the latest state of every user in the log.
    ///
    /// The chain detects a row edited (its content no longer matches its hash; a row that was
    /// re-hashed breaks the next one), a row deleted or inserted (a gap or a repeat in the
    /// sequence), rows removed from the end (the log stops before the recorded head), and an
    /// edit of `audit_texts` (every row that names the text). `progress` gets rows checked.
    public func verifyAudit(progress: (Int64) -> Void = { _ in }) throws(StoreError) -> AuditVerification {
        try verifyAudit(progress: progress, piecesFrom: 400_000)
    }

    /// `verifyAudit`, checking the chain in pieces on two connections from `piecesFrom` compact rows on.
    func verifyAudit(progress: (Int64) -> Void, piecesFrom threshold: Int64) throws(StoreError) -> AuditVerification {
        try read {
            var compared: (problems: [StateProblem], count: Int, users: Int64)?
            // The tables are compared on this connection while another one checks part of the chain.
            var verification = try verifyChain(progress: progress, piecesFrom: threshold) { compared = try self.verifyState() }
            let state = try compared ?? verifyState()
            verification.stateProblems = state.problems
            verification.stateProblemCount = state.count
            verification.users = state.users
            return verification
        }
    }

    /// The chain check; `alongside` runs on this connection while a second one checks rows (or
    /// not at all when the chain broke before the compact rows).
    private func verifyChain(progress: (Int64) -> Void, piecesFrom threshold: Int64, alongside: () throws -> Void) throws
        -> AuditVerification
    {
        var expected: Int64 = 1
        func broken(_ seq: Int64, _ reason: String) -> AuditVerification {
            AuditVerification(rows: expected - 1, firstBreak: AuditBreak(seq: seq, reason: reason))
        }
        func sequence(_ seq: Int64) -> String? {
            if seq > expected {
                return "rows \(expected)…\(seq - 1) are missing (deleted, or row \(seq) was inserted out of sequence)"
            }
            return seq < expected ? "sequence number repeats or goes back" : nil
        }

        // The rows of the first format.
        var previousHex = LegacyAuditChain.genesis
        var scratch: [UInt8] = []
        let legacy = try connection.prepare("SELECT \(Store.legacyColumns) FROM audit_log_v1 ORDER BY seq")
        while try legacy.step() {
            let seq = legacy.int64(0)
            if let problem = sequence(seq) { return broken(Swift.min(seq, expected), problem) }
            let record = Store.legacyRecord(from: legacy)
            guard AuditKind(rawValue: record.kind) != nil, record.effect.map({ Effect(rawValue: $0) != nil }) ?? true else {
                return broken(seq, "it holds a value no Admit writes (the row was edited)")
            }
            if legacy.string(12) != previousHex {
                return broken(
                    seq, "its previous-hash does not match the row before it (a row was inserted, deleted or edited before it)")
            }
            let hash = LegacyAuditChain.hash(seq: seq, record: record, previous: previousHex, scratch: &scratch)
            guard hash == legacy.string(13) else { return broken(seq, "its content does not match its hash (the row was edited)") }
            previousHex = hash
            expected += 1
            if expected % 100_000 == 0 { progress(expected - 1) }
        }
        guard var previous = bytes(hex: previousHex), previous.count == 32 else {
            return broken(expected - 1, "its hash is not 64 hex digits (the row was edited)")
        }

        // The compact rows: three tables, one sequence, merged in order. Each row's hash depends
        // only on its content and the stored hash before it, so a large log is checked in pieces
        // by two connections on two threads, each taking the next piece when it is done.
        let texts = TextsByID(try connection.query("SELECT id, text FROM audit_texts", row: { ($0.int64(0), $0.string(1) ?? "") }))
        let last =
            try [
                "SELECT max(seq) FROM audit_decisions", "SELECT max(seq) FROM audit_changes", "SELECT max(seq) FROM audit_events",
            ].compactMap { sql in try connection.queryFirst(sql) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil }.max() ?? 0
        let first = expected
        let pieceCount = path != ":memory:" && !path.hasPrefix("file:") && last - first > threshold ? 16 : 1
        let size = (last - first + 1 + Int64(pieceCount) - 1) / Int64(pieceCount)
        var pieces: [(first: Int64, last: Int64, previous: [UInt8])] = []
        for index in 0..<pieceCount {
            let start = first + Int64(index) * size
            guard start <= last || index == 0 else { break }
            let previousHash = index == 0 ? previous : try storedHash(start - 1) ?? [UInt8](repeating: 0, count: 32)
            pieces.append((start, Swift.min(last, start + size - 1), previousHash))
        }
        let work = Pieces(pieces)
        let background: OnAThread<Void>? =
            pieces.count > 1
            ? OnAThread { [path, texts] in
                let other = try Connection(path: path, mode: .readOnly)
                defer { other.close() }
                try work.run(CompactRange(connection: other, texts: texts))
            } : nil
        try alongside()
        try work.run(CompactRange(connection: connection, texts: texts), progress: progress)
        try background?.result()
        for (piece, result) in zip(pieces, work.results) {
            guard let result else { continue }
            if let found = result.firstBreak { return AuditVerification(rows: result.next - 1, firstBreak: found) }
            if result.next != piece.last + 1 {
                // Rows missing at the end of a piece: say, as one pass would, up to which row.
                let present = try [
                    "SELECT min(seq) FROM audit_decisions WHERE seq > ?", "SELECT min(seq) FROM audit_changes WHERE seq > ?",
                    "SELECT min(seq) FROM audit_events WHERE seq > ?",
                ].compactMap { sql in try connection.queryFirst(sql, piece.last) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil }.min()
                let end = present ?? last + 1
                return AuditVerification(
                    rows: result.next - 1,
                    firstBreak: AuditBreak(
                        seq: result.next,
                        reason: "rows \(result.next)…\(end - 1) are missing (deleted, or row \(end) was inserted out of sequence)"))
            }
            expected = result.next
            previous = result.previous
        }

        let checked = expected - 1
        let head = try connection.queryFirst("SELECT seq, hash FROM audit_head WHERE id = 1") { ($0.int64(0), $0.blob(1)) }
        guard let (headSeq, headHash) = head else {
            return AuditVerification(
                rows: checked, firstBreak: AuditBreak(seq: checked + 1, reason: "the audit head row is missing (it was deleted)"))
        }
        if headSeq > checked {
            return AuditVerification(
                rows: checked,
                firstBreak: AuditBreak(
                    seq: checked + 1,
                    reason: "the log ends at row \(checked) but its head records row \(headSeq): rows were deleted from the end"))
        }
        if headSeq < checked || headHash != previous {
            return AuditVerification(
                rows: checked,
                firstBreak: AuditBreak(
                    seq: headSeq, reason: "the recorded head does not match the last row (the head or the log was edited)"))
        }
        return AuditVerification(rows: checked, firstBreak: nil)
    }
}

extension Store {
    /// At most this many state differences are listed; all are counted.
    package static let listedStateProblems = 100

    /// Compares, user by user in id order, the `users` row and the `enrolments` rows with the
    /// user's latest state row in the log. Three ordered scans merged; memory holds one user.
    func verifyState() throws -> (problems: [StateProblem], count: Int, users: Int64) {
        var problems: [StateProblem] = []
        var count = 0
        func report(_ problem: StateProblem) {
            count += 1
            if problems.count < Store.listedStateProblems { problems.append(problem) }
        }
        // SQLite takes the bare columns of a max() aggregate from the row with the maximum.
        let states = try connection.prepare(
            "SELECT max(version), seq, recorded_at, \(Store.stateColumns), kind FROM audit_changes GROUP BY user_id ORDER BY user_id")
        let users = try connection.prepare(
            """
            SELECT id, email, name, profession, country, account, subscription, registered_at, external_id, updated_at,
                external_role
            FROM users ORDER BY id
            """)
        let enrolments = try connection.prepare("SELECT \(Store.enrolmentColumns) FROM enrolments ORDER BY user_id")
        var hasState = try states.step()
        var hasUser = try users.step()
        var hasEnrolment = try enrolments.step()
        var compared: Int64 = 0

        /// The table's enrolments of `user` (the cursor is on or past them).
        func tableEnrolments(of user: Int64) throws -> [Enrolment] {
            while hasEnrolment, enrolments.int64(0) < user {
                report(StateProblem(table: "enrolments", row: Self.describe(try Store.enrolment(from: enrolments)), tableValue: "row"))
                hasEnrolment = try enrolments.step()
            }
            var list: [Enrolment] = []
            while hasEnrolment, enrolments.int64(0) == user {
                list.append(try Store.enrolment(from: enrolments))
                hasEnrolment = try enrolments.step()
            }
            return list
        }

        while hasState || hasUser {
            let stateUser = hasState ? states.int64(3) : Int64.max
            let tableUser = hasUser ? users.int64(0) : Int64.max
            if stateUser < tableUser {
                let seq = states.int64(1)
                report(StateProblem(table: "users", row: "id \(stateUser)", logValue: "row", logSeq: seq))
                for enrolment in try Store.userState(from: states, at: 3).enrolments {
                    report(StateProblem(table: "enrolments", row: Self.describe(enrolment), logValue: "row", logSeq: seq))
                }
                _ = try tableEnrolments(of: stateUser)
                hasState = try states.step()
                continue
            }
            if tableUser < stateUser {
                report(StateProblem(table: "users", row: "id \(tableUser)", tableValue: "row"))
                for enrolment in try tableEnrolments(of: tableUser) {
                    report(StateProblem(table: "enrolments", row: Self.describe(enrolment), tableValue: "row"))
                }
                hasUser = try users.step()
                continue
            }
            compared += 1
            let seq = states.int64(1)
            // Columns compared as stored bytes; texts are made only for a difference.
            func compare(_ field: String, _ tableColumn: Int32, _ logColumn: Int32, integer: Bool = false) {
                let tableNull = users.isNull(tableColumn)
                let same =
                    tableNull == states.isNull(logColumn)
                    && (integer
                        ? users.int64(tableColumn) == states.int64(logColumn)
                        : users.withBlob(tableColumn) { a in states.withBlob(logColumn) { b in a.elementsEqual(b) } })
                guard !same else { return }
                func text(_ row: Statement, _ column: Int32) -> String? {
                    row.isNull(column) ? nil : integer ? String(row.int64(column)) : row.string(column)
                }
                report(
                    StateProblem(
                        table: "users", row: "id \(tableUser)", field: field, tableValue: text(users, tableColumn),
                        logValue: text(states, logColumn),
                        logSeq: seq))
            }
            compare("email", 1, 5)
            compare("name", 2, 6)
            compare("profession", 3, 7)
            compare("country", 4, 8)
            compare("account", 5, 9)
            compare("subscription", 6, 10)
            compare("registered_at", 7, 11, integer: true)
            compare("external_id", 8, 12)
            compare("external_role", 10, 14)
            // A `user.state` row (migration 4) took the state as it found it, `updated_at` included.
            if states.int64(15) != AuditKind.userState.changeNumber {
                compare("updated_at", 9, 2, integer: true)
            }
            guard let logged = EnrolmentList.decode(states.blob(13) ?? [], user: UserID(tableUser)) else {
                report(StateProblem(table: "enrolments", row: "user \(tableUser)", field: "(all)", logValue: "unreadable", logSeq: seq))
                _ = try tableEnrolments(of: tableUser)
                hasState = try states.step()
                hasUser = try users.step()
                continue
            }
            Self.compareEnrolments(try tableEnrolments(of: tableUser), logged, seq: seq, report: report)
            hasState = try states.step()
            hasUser = try users.step()
        }
        while hasEnrolment {
            report(StateProblem(table: "enrolments", row: Self.describe(try Store.enrolment(from: enrolments)), tableValue: "row"))
            hasEnrolment = try enrolments.step()
        }
        return (problems, count, compared)
    }

    /// Pairs a user's enrolments in the table with those of the log's state by package and
    /// instant, and reports every field that differs and every row on one side only.
    package static func compareEnrolments(_ table: [Enrolment], _ log: [Enrolment], seq: Int64, report: (StateProblem) -> Void) {
        func key(_ e: Enrolment) -> (String, Int64) { (e.package.rawValue, e.enrolledAt.millisecondsSinceEpoch) }
        let table = table.sorted { key($0) < key($1) }
        let log = log.sorted { key($0) < key($1) }
        var t = 0
        var l = 0
        while t < table.count || l < log.count {
            if l == log.count || (t < table.count && key(table[t]) < key(log[l])) {
                report(StateProblem(table: "enrolments", row: Self.describe(table[t]), tableValue: "row", logSeq: seq))
                t += 1
                continue
            }
            if t == table.count || key(log[l]) < key(table[t]) {
                report(StateProblem(table: "enrolments", row: Self.describe(log[l]), logValue: "row", logSeq: seq))
                l += 1
                continue
            }
            let (a, b) = (table[t], log[l])
            func compare(_ field: String, _ x: String?, _ y: String?) {
                if x != y {
                    report(StateProblem(table: "enrolments", row: Self.describe(a), field: field, tableValue: x, logValue: y, logSeq: seq))
                }
            }
            if a != b {
                compare("source", a.source.rawValue, b.source.rawValue)
                compare("forced", a.forced ? "1" : "0", b.forced ? "1" : "0")
                compare(
                    "withdrawn_at", a.withdrawnAt.map { String($0.millisecondsSinceEpoch) },
                    b.withdrawnAt.map { String($0.millisecondsSinceEpoch) })
                compare("account_state", a.accountState?.rawValue, b.accountState?.rawValue)
                compare("batch_id", a.batch.map(String.init), b.batch.map(String.init))
            }
            t += 1
            l += 1
        }
    }

    package static func describe(_ enrolment: Enrolment) -> String {
        "user \(enrolment.user), \(enrolment.package) enrolled at \(enrolment.enrolledAt.millisecondsSinceEpoch)"
    }
}

extension Store {
    /// The stored hash of row `seq` of the compact tables (nil when no table holds it).
    func storedHash(_ seq: Int64) throws -> [UInt8]? {
        for table in ["audit_decisions", "audit_changes", "audit_events"] {
            if let hash = try connection.queryFirst("SELECT hash FROM \(table) WHERE seq = ?", seq, row: { $0.blob(0) }) { return hash }
        }
        return nil
    }
}

/// Checks the compact rows with sequence numbers in a range on one connection: each row's
/// content hashed after the stored hash of the row before it must give its stored hash.
struct CompactRange {
    let connection: Connection
    let texts: TextsByID
    private let hasher = RowHasher()

    init(connection: Connection, texts: TextsByID) {
        self.connection = connection
        self.texts = texts
    }

    struct Result {
        /// The sequence number after the last row checked.
        var next: Int64
        /// The last row's hash.
        var previous: [UInt8]
        var firstBreak: AuditBreak?
    }

    func verify(from first: Int64, through last: Int64, previous start: [UInt8], progress: (Int64) -> Void) throws -> Result {
        var previous = start
        var expected = first
        func broken(_ seq: Int64, _ reason: String) -> Result {
            Result(next: expected, previous: previous, firstBreak: AuditBreak(seq: seq, reason: reason))
        }
        let range = "WHERE seq >= ? AND seq <= ? ORDER BY seq"
        let tables = [
            try connection.prepare("SELECT \(Store.decisionColumns) FROM audit_decisions \(range)"),
            try connection.prepare("SELECT \(Store.changeColumns) FROM audit_changes \(range)"),
            try connection.prepare("SELECT \(Store.eventColumns) FROM audit_events \(range)"),
        ]
        for table in tables { try table.bindAll(first, last) }
        var live = try tables.map { try $0.step() }
        let missingText = "it names a text that audit_texts does not hold (a text was deleted)"
        while true {
            var next: Int?
            for index in tables.indices where live[index] {
                if next == nil || tables[index].int64(0) < tables[next!].int64(0) { next = index }
            }
            guard let index = next else { break }
            let row = tables[index]
            let seq = row.int64(0)
            if seq > expected {
                return broken(expected, "rows \(expected)…\(seq - 1) are missing (deleted, or row \(seq) was inserted out of sequence)")
            }
            if seq < expected { return broken(seq, "sequence number repeats or goes back") }
            let intact: Bool
            switch index {
            case 0:
                guard let actor = texts[row.int64(2)], let lecture = texts[row.int64(5)], let policy = texts[row.int64(8)] else {
                    return broken(seq, missingText)
                }
                let digest = previous.withUnsafeBytes { previous in
                    row.withBlob(9) { reasons in
                        hasher.decision(
                            previous: previous, seq: seq, recordedAt: row.int64(1), actor: actor, user: row.int64(3), facts: row.int64(4),
                            lecture: lecture, at: row.int64(6), effect: row.int64(7), policy: policy, reasons: reasons)
                    }
                }
                intact = row.withBlob(10) { digest.equals($0) }
                if intact { row.withBlob(10) { stored in previous.withUnsafeMutableBytes { $0.copyMemory(from: stored) } } }
            case 1:
                let policy = row.isNull(5) ? nil : texts[row.int64(5)]
                guard let actor = texts[row.int64(2)], row.isNull(5) || policy != nil else { return broken(seq, missingText) }
                let overrode = row.blob(6)
                let digest = previous.withUnsafeBytes { previous in
                    row.withBlob(17) { enrolments in
                        withOptionalBytes(overrode) { overrode in
                            hasher.change(
                                previous: previous, seq: seq, recordedAt: row.int64(1), actor: actor, kind: row.int64(3),
                                user: row.int64(7), version: row.int64(8), batch: row.isNull(4) ? nil : row.int64(4), policy: policy,
                                overrode: overrode, email: row.string(9) ?? "", name: row.string(10) ?? "",
                                profession: row.string(11) ?? "",
                                country: row.string(12), account: row.string(13) ?? "", subscription: row.string(14) ?? "",
                                registeredAt: row.int64(15), externalID: row.string(16), enrolments: enrolments,
                                externalRole: row.string(18))
                        }
                    }
                }
                intact = row.withBlob(19) { digest.equals($0) }
                if intact { row.withBlob(19) { stored in previous.withUnsafeMutableBytes { $0.copyMemory(from: stored) } } }
            default:
                let policy = row.isNull(6) ? nil : texts[row.int64(6)]
                guard let actor = texts[row.int64(2)], row.isNull(6) || policy != nil else { return broken(seq, missingText) }
                let digest = previous.withUnsafeBytes { previous in
                    hasher.event(
                        previous: previous, seq: seq, recordedAt: row.int64(1), actor: actor, kind: row.string(3) ?? "",
                        package: row.string(4), at: row.isNull(5) ? nil : row.int64(5), policy: policy,
                        batch: row.isNull(7) ? nil : row.int64(7), detail: row.string(8) ?? "")
                }
                intact = row.withBlob(9) { digest.equals($0) }
                if intact { row.withBlob(9) { stored in previous.withUnsafeMutableBytes { $0.copyMemory(from: stored) } } }
            }
            guard intact else {
                return broken(
                    seq, "its content does not match its hash (the row, or a text it names, was edited; or the row before it was replaced)")
            }
            expected += 1
            if expected % 100_000 == 0 { progress(expected - 1) }
            live[index] = try row.step()
        }
        return Result(next: expected, previous: previous, firstBreak: nil)
    }
}

/// The rows of `audit_texts` by id, in an array (ids are small consecutive numbers): a row of the
/// log names three texts, and a dictionary lookup each would be a tenth of checking the row.
struct TextsByID: Sendable {
    private var texts: [String?] = []
    private var sparse: [Int64: String] = [:]

    init(_ rows: [(Int64, String)]) {
        for (id, text) in rows {
            if id >= 0, id < 1 << 20 {
                if texts.count <= Int(id) { texts += Array(repeating: nil, count: Int(id) - texts.count + 1) }
                texts[Int(id)] = text
            } else {
                sparse[id] = text
            }
        }
    }

    subscript(id: Int64) -> String? {
        id >= 0 && id < Int64(texts.count) ? texts[Int(id)] : sparse[id]
    }
}

/// The pieces of the chain to check, taken in order by whoever is free, and what each came to.
final class Pieces: @unchecked Sendable {
    // Safety: `next` and `results` are guarded by `lock`.
    private let pieces: [(first: Int64, last: Int64, previous: [UInt8])]
    private let lock = NSLock()
    private var next = 0
    private var slots: [CompactRange.Result?]

    init(_ pieces: [(first: Int64, last: Int64, previous: [UInt8])]) {
        self.pieces = pieces
        slots = Array(repeating: nil, count: pieces.count)
    }

    var results: [CompactRange.Result?] { lock.withLock { slots } }

    /// Checks pieces with `range` until none is left.
    func run(_ range: CompactRange, progress: (Int64) -> Void = { _ in }) throws {
        while true {
            let index: Int? = lock.withLock {
                guard next < pieces.count else { return nil }
                defer { next += 1 }
                return next
            }
            guard let index else { return }
            let piece = pieces[index]
            let result = try range.verify(from: piece.first, through: piece.last, previous: piece.previous, progress: progress)
            lock.withLock { slots[index] = result }
        }
    }
}

/// Work started on a thread of its own; `result()` waits for it.
final class OnAThread<T: Sendable>: @unchecked Sendable {
    // Safety: `outcome` is written once by the thread before it signals `done`, and read only
    // after `done` was waited for.
    private var outcome: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            outcome = Result { try work() }
            done.signal()
        }
        thread.start()
    }

    func result() throws -> T {
        done.wait()
        guard let outcome else { preconditionFailure("the thread signalled without a result") }
        return try outcome.get()
    }
}
