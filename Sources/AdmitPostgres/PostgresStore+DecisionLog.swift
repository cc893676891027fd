import AdmitDomain
import AdmitStore
import Crypto
import Logging
import NIOCore
import PostgresNIO

/// A process that appends to the log, as `audit_writers` knows it: each writer has its own
/// sequence and hash chain (`audit_heads`), so writers never wait for one another's head.
public struct PostgresWriter: Sendable, Hashable {
    /// Its id in `audit_writers`, stored with every row it appends.
    public let id: Int32
    /// The name it registered under (e.g. `serve:host-a:8080`).
    public let name: String
}

/// What ``PostgresStore/verifyChain(of:)`` found in one writer's chain.
public struct PostgresChainReport: Sendable, Hashable {
    public let writer: PostgresWriter
    /// Rows whose sequence and hash were checked.
    public let rows: Int64
    /// The writer's latest archive point: rows through it were in dropped partitions (or before
    /// them), and the chain was checked from the row after it. Nil when none was dropped.
    public let archivedThrough: Int64?
    /// The first problem; nil when the chain is intact up to its head.
    public let problem: ChainProblem?

    /// Whether the chain is intact.
    public var isIntact: Bool { problem == nil }
}

/// The first break in a writer's chain, with the sequence numbers that show it.
public enum ChainProblem: Sendable, Hashable, CustomStringConvertible {
    /// Rows `first` through `last` are not in the log.
    case missing(first: Int64, last: Int64)
    /// Row `seq` is there twice.
    case repeated(seq: Int64)
    /// Row `seq`'s stored hash is not the hash of its fields and the row before.
    case changed(seq: Int64)
    /// The head says the chain reaches row `head`, but the log ends at row `last`.
    case headAhead(head: Int64, last: Int64)
    /// The head (row `head`) does not match the log's last row `last`.
    case headMismatch(head: Int64, last: Int64)
    /// The writer has no head row.
    case noHead

    /// The problem, in one line.
    public var description: String {
        switch self {
        case .missing(let first, let last): first == last ? "row \(first) is missing" : "rows \(first)…\(last) are missing"
        case .repeated(let seq): "row \(seq) appears twice"
        case .changed(let seq): "row \(seq) does not match its hash: it was changed after it was written"
        case .headAhead(let head, let last): "the head is at row \(head) but the log ends at row \(last): rows were removed"
        case .headMismatch(let head, let last): "the head (row \(head)) does not match the log's last row \(last)"
        case .noHead: "the writer has no head in audit_heads"
        }
    }
}

extension PostgresStore {
    /// Registers a writer by name, or finds the one registered under it before (a restarted
    /// process with the same name continues its chain), with a head of sequence 0.
    public func registerWriter(name: String, at now: Instant) async throws(PostgresStoreError) -> PostgresWriter {
        let logger = self.logger
        let started = now.millisecondsSinceEpoch
        do {
            let id = try await connection.withTransaction(logger: logger) { connection -> Int32 in
                let rows = try await connection.query(
                    """
                    INSERT INTO audit_writers(name, started_at) VALUES (\(name), \(started))
                    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
                    """, logger: logger)
                var id: Int32?
                for try await value in rows.decode(Int32.self) { id = value }
                guard let id else { throw PostgresStoreError.writerNotRegistered(name: name) }
                let genesis = ByteBuffer(bytes: [UInt8](repeating: 0, count: 32))
                try await connection.query(
                    "INSERT INTO audit_heads(writer_id, seq, hash) VALUES (\(id), 0, \(genesis)) ON CONFLICT (writer_id) DO NOTHING",
                    logger: logger)
                return id
            }
            return PostgresWriter(id: id, name: name)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Appends decisions to `writer`'s chain in one transaction, as one multi-row insert (not a
    /// round trip per row), and returns their sequence numbers. When it returns, they are
    /// committed: a reply sent after it cannot be lost.
    ///
    /// The writer's head row is locked for the transaction, so two processes sharing a writer
    /// name append one after the other and the chain stays gap-free.
    @discardableResult
    public func append(_ decisions: [DecisionRecord], writer: PostgresWriter) async throws(PostgresStoreError) -> [Int64] {
        guard !decisions.isEmpty else { return [] }
        var texts: Set<String> = []
        for decision in decisions {
            texts.insert(decision.actor)
            texts.insert(decision.policyHash)
            texts.insert(decision.lecture.rawValue)
        }
        let ids = try await textIDs(for: texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> [Int64] in
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                var head = (seq: chain.seq, hash: chain.hash)
                let rows = DecisionColumns(decisions, following: &head, ids: ids)
                try await connection.query(
                    """
                    INSERT INTO audit_decisions(writer_id, seq, day, recorded_at, actor, user_id, facts, lecture, at, effect, policy, reasons, hash)
                    SELECT \(writer.id), r.seq, date '1970-01-01' + (r.recorded_at / 86400000)::integer, r.recorded_at, r.actor,
                           r.user_id, r.facts, r.lecture, r.at, r.effect::smallint, r.policy, r.reasons, r.hash
                    FROM unnest(\(rows.seq)::bigint[], \(rows.recordedAt)::bigint[], \(rows.actor)::bigint[], \(rows.user)::bigint[],
                                \(rows.facts)::bigint[], \(rows.lecture)::bigint[], \(rows.at)::bigint[], \(rows.effect)::bigint[],
                                \(rows.policy)::bigint[], \(rows.reasons)::bytea[], \(rows.hash)::bytea[])
                         AS r(seq, recorded_at, actor, user_id, facts, lecture, at, effect, policy, reasons, hash)
                    """, logger: logger)
                chain.advance(to: head.seq, hash: head.hash)
                try await chain.save(on: connection, logger: logger)
                return rows.seq
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Re-reads `writer`'s rows (decisions, changes of users and events, merged by sequence
    /// number) and checks that the sequence has no gap, that each row's hash is the hash of its
    /// fields and the row before, and that the last row is the writer's head.
    public func verifyChain(of writer: PostgresWriter) async throws(PostgresStoreError) -> PostgresChainReport {
        let logger = self.logger
        let hasher = RowHasher()
        var previous = [UInt8](repeating: 0, count: 32)
        var expected: Int64 = 1
        var problem: ChainProblem?
        var archived: Int64 = 0
        do {
            // Rows up to the writer's latest archive point were in a dropped day's partition (or
            // before one): the chain is checked from the row after it, on its recorded hash.
            for try await (seq, hash) in try await connection.query(
                "SELECT seq, hash FROM audit_archives WHERE writer_id = \(writer.id) ORDER BY seq DESC LIMIT 1", logger: logger
            ).decode((Int64, ByteBuffer).self) {
                archived = seq
                expected = seq + 1
                previous = Array(buffer: hash)
            }
            // One stream in sequence order, the three tables' columns in one shape (row: 0 a
            // decision, 1 a change, 2 an event; n1: facts, version or batch; n2: at or batch;
            // n3: effect or kind; t1: lecture, email or the event's kind; b1: reasons or overrode;
            // t2: a change's name or an event's detail; t3: its profession or the event's package).
            let rows = try await connection.query(
                """
                SELECT 0::smallint, d.seq, d.recorded_at, a.text, d.user_id, d.facts, d.at, d.effect::bigint, l.text, p.text, d.reasons,
                       NULL::bytea, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::text, NULL::text, d.hash
                FROM audit_decisions d
                JOIN audit_texts a ON a.id = d.actor JOIN audit_texts l ON l.id = d.lecture JOIN audit_texts p ON p.id = d.policy
                WHERE d.writer_id = \(writer.id) AND d.seq > \(archived)
                UNION ALL
                SELECT 1::smallint, c.seq, c.recorded_at, a.text, c.user_id, c.version, c.batch_id, c.kind::bigint, c.email, p.text, c.overrode,
                       c.enrolments, c.name, c.profession, c.country, c.account, c.subscription, c.registered_at, c.external_id,
                       c.external_role, c.hash
                FROM audit_changes c JOIN audit_texts a ON a.id = c.actor LEFT JOIN audit_texts p ON p.id = c.policy
                WHERE c.writer_id = \(writer.id) AND c.seq > \(archived)
                UNION ALL
                SELECT 2::smallint, e.seq, e.recorded_at, a.text, NULL::bigint, e.batch_id, e.at, NULL::bigint, e.kind, p.text, NULL::bytea,
                       NULL::bytea, e.detail, e.package_id, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::text, NULL::text, e.hash
                FROM audit_events e JOIN audit_texts a ON a.id = e.actor LEFT JOIN audit_texts p ON p.id = e.policy
                WHERE e.writer_id = \(writer.id) AND e.seq > \(archived)
                ORDER BY 2
                """, logger: logger)
            for try await row in rows {
                guard problem == nil else { continue }
                let (table, seq, recordedAt, actor, user, n1, n2, n3, t1, policy, b1) = try row.decode(
                    (Int16, Int64, Int64, String, Int64?, Int64?, Int64?, Int64?, String, String?, ByteBuffer?).self)
                guard seq == expected else {
                    problem = seq > expected ? .missing(first: expected, last: seq - 1) : .repeated(seq: seq)
                    continue
                }
                var cells = row.makeIterator()
                for _ in 0..<11 { _ = cells.next() }
                let enrolments = try cells.next()!.decode(ByteBuffer?.self).map { Array(buffer: $0) } ?? []
                let t2 = try cells.next()!.decode(String?.self)
                let t3 = try cells.next()!.decode(String?.self)
                let country = try cells.next()!.decode(String?.self)
                let account = try cells.next()!.decode(String?.self) ?? ""
                let subscription = try cells.next()!.decode(String?.self) ?? ""
                let registeredAt = try cells.next()!.decode(Int64?.self) ?? 0
                let externalID = try cells.next()!.decode(String?.self)
                let externalRole = try cells.next()!.decode(String?.self)
                let stored = Array(buffer: try cells.next()!.decode(ByteBuffer.self))
                let blob = b1.map { Array(buffer: $0) }
                let hash = previous.withUnsafeBytes { previous in
                    withOptionalBytes(blob) { (blob: UnsafeRawBufferPointer?) -> SHA256.Digest in
                        switch table {
                        case 0:
                            return hasher.decision(
                                previous: previous, seq: seq, recordedAt: recordedAt, actor: actor, user: user ?? 0, facts: n1 ?? 0,
                                lecture: t1, at: n2 ?? 0, effect: n3 ?? 0, policy: policy ?? "",
                                reasons: blob ?? UnsafeRawBufferPointer(start: nil, count: 0))
                        case 1:
                            return enrolments.withUnsafeBytes { list in
                                hasher.change(
                                    previous: previous, seq: seq, recordedAt: recordedAt, actor: actor, kind: n3 ?? 0, user: user ?? 0,
                                    version: n1 ?? 0, batch: n2, policy: policy, overrode: blob, email: t1, name: t2 ?? "",
                                    profession: t3 ?? "", country: country, account: account, subscription: subscription,
                                    registeredAt: registeredAt, externalID: externalID, enrolments: list, externalRole: externalRole)
                            }
                        default:
                            return hasher.event(
                                previous: previous, seq: seq, recordedAt: recordedAt, actor: actor, kind: t1, package: t3, at: n2,
                                policy: policy, batch: n1, detail: t2 ?? "")
                        }
                    }
                }.bytes
                guard hash == stored else {
                    problem = .changed(seq: seq)
                    continue
                }
                previous = hash
                expected += 1
            }
            if problem == nil {
                var head: (seq: Int64, hash: [UInt8])?
                for try await (seq, hash) in try await connection.query(
                    "SELECT seq, hash FROM audit_heads WHERE writer_id = \(writer.id)", logger: logger
                ).decode((Int64, ByteBuffer).self) {
                    head = (seq, Array(buffer: hash))
                }
                if let head, head.seq != expected - 1 || head.hash != previous {
                    problem =
                        head.seq > expected - 1
                        ? .headAhead(head: head.seq, last: expected - 1) : .headMismatch(head: head.seq, last: expected - 1)
                } else if head == nil {
                    problem = .noHead
                }
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
        return PostgresChainReport(
            writer: writer, rows: expected - 1 - archived, archivedThrough: archived == 0 ? nil : archived, problem: problem)
    }

    /// The decision log's size on disk (every partition, indexes included) and the server's WAL
    /// position, both in bytes: two readings around a workload give its storage and write cost.
    public func storageFigures() async throws(PostgresStoreError) -> (decisionBytes: Int64, walPosition: Int64) {
        do {
            let rows = try await connection.query(
                """
                SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::bigint,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint
                FROM pg_inherits WHERE inhparent = 'audit_decisions'::regclass
                """, logger: logger)
            for try await (bytes, wal) in rows.decode((Int64, Int64).self) { return (bytes, wal) }
            return (0, 0)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Every writer registered in the database.
    public func writers() async throws(PostgresStoreError) -> [PostgresWriter] {
        do {
            var writers: [PostgresWriter] = []
            for try await (id, name) in try await connection.query("SELECT id, name FROM audit_writers ORDER BY id", logger: logger)
                .decode((Int32, String).self)
            {
                writers.append(PostgresWriter(id: id, name: name))
            }
            return writers
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The `audit_texts` ids of `texts`, adding the ones the table lacks (outside any decision's
    /// transaction: a text added for a batch that then fails is harmless).
    ///
    /// `remember` false: the caller is in a transaction that may yet roll back, and remembers
    /// the ids once it committed.
    func textIDs(for texts: Set<String>, remember: Bool = true) async throws(PostgresStoreError) -> [String: Int64] {
        let known = textIDs.withLock { cache in texts.compactMap { text in cache[text].map { (text, $0) } } }
        var ids = Dictionary(uniqueKeysWithValues: known)
        let missing = texts.filter { ids[$0] == nil }.sorted()
        guard !missing.isEmpty else { return ids }
        do {
            try await connection.query(
                "INSERT INTO audit_texts(text) SELECT unnest(\(missing)::text[]) ON CONFLICT (text) DO NOTHING", logger: logger)
            for try await (id, text) in try await connection.query(
                "SELECT id, text FROM audit_texts WHERE text = ANY(\(missing)::text[])", logger: logger
            ).decode((Int64, String).self) {
                ids[text] = id
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
        let found = ids
        if remember { textIDs.withLock { cache in cache.merge(found) { old, _ in old } } }
        if let lost = missing.first(where: { ids[$0] == nil }) { throw .textNotStored(text: lost) }
        return ids
    }
}

/// Decisions as columns for one `unnest` insert, with each row's sequence number and hash.
private struct DecisionColumns {
    var seq: [Int64] = []
    var recordedAt: [Int64] = []
    var actor: [Int64] = []
    var user: [Int64] = []
    var facts: [Int64] = []
    var lecture: [Int64] = []
    var at: [Int64] = []
    var effect: [Int64] = []
    var policy: [Int64] = []
    var reasons: [ByteBuffer] = []
    var hash: [ByteBuffer] = []

    /// Numbers and hashes `decisions` after `head`, and moves `head` to the last of them.
    init(_ decisions: [DecisionRecord], following head: inout (seq: Int64, hash: [UInt8]), ids: [String: Int64]) {
        let hasher = RowHasher()
        for decision in decisions {
            let seq = head.seq + 1
            let effect: Int64 = decision.effect == .allow ? 0 : 1
            let digest = head.hash.withUnsafeBytes { hasher.decision(decision, seq: seq, previous: $0) }.bytes
            self.seq.append(seq)
            recordedAt.append(decision.recordedAt.millisecondsSinceEpoch)
            actor.append(ids[decision.actor]!)
            user.append(decision.user.rawValue)
            facts.append(decision.factsVersion)
            lecture.append(ids[decision.lecture.rawValue]!)
            at.append(decision.at.millisecondsSinceEpoch)
            self.effect.append(effect)
            policy.append(ids[decision.policyHash]!)
            reasons.append(ByteBuffer(bytes: decision.code))
            hash.append(ByteBuffer(bytes: digest))
            head = (seq, digest)
        }
    }
}
