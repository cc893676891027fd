import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// A change of a user as the change feed gives it: the writer that appended it, its place in
/// that writer's chain, its kind, and the user's whole state after it.
public struct PostgresChange: Sendable, Hashable {
    public let writer: Int32
    public let seq: Int64
    public let kind: AuditKind
    public let state: UserState
}

extension PostgresStore {
    /// The channel every transaction that appends a state row notifies (`writer:seq`), at commit.
    public static let changesChannel = "admit_changes"

    /// Appends a state row of `kind` for `state` (the user's whole state after the change) to
    /// `writer`'s chain, in one transaction with the head row locked, and notifies
    /// ``changesChannel`` when it commits. Returns its sequence number.
    ///
    /// `UNIQUE (user_id, version)` makes two writers writing the same version of one user fail
    /// one of them (`.server` with SQLSTATE 23505), so no change is lost to a race.
    @discardableResult
    public func appendState(_ kind: AuditKind, _ state: UserState, _ context: ChangeContext, writer: PostgresWriter)
        async throws(PostgresStoreError) -> Int64
    {
        var texts: Set<String> = [context.actor]
        if let policy = context.policyHash { texts.insert(policy) }
        let ids = try await textIDs(for: texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> Int64 in
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                try await chain.appendState(kind, state, context, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
                return chain.seq
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The changes appended after `positions` (a writer's id and the last sequence number of it
    /// already applied; a writer not named starts from the beginning), at most `limit`, in each
    /// writer's order. A writer's rows commit in sequence order (its head row is locked), so
    /// reading after a position misses nothing.
    public func changes(after positions: [Int32: Int64], limit: Int = 10_000) async throws(PostgresStoreError) -> [PostgresChange] {
        var changes: [PostgresChange] = []
        try await forEachChange(after: positions, limit: limit) { changes.append($0) }
        return changes
    }

    /// Calls `body` with each change appended after `positions`, as ``changes(after:limit:)``
    /// returns them, streaming (nothing is held but the row at hand); `limit` nil: all of them.
    /// Returns how many there were.
    @discardableResult
    public func forEachChange(after positions: [Int32: Int64], limit: Int?, _ body: (PostgresChange) throws -> Void)
        async throws(PostgresStoreError) -> Int
    {
        let writers = Array(positions.keys)
        let seqs = writers.map { positions[$0]! }
        let logger = self.logger
        var count = 0
        do {
            let rows: PostgresRowSequence
            if positions.isEmpty {
                rows = try await connection.query(
                    "SELECT c.writer_id, c.seq, c.kind, \(unescaped: Self.stateColumns) FROM audit_changes c ORDER BY c.writer_id, c.seq LIMIT \(limit ?? Int.max)",
                    logger: logger)
            } else {
                // One index range scan per writer (`audit_changes`' key is (writer_id, seq)): a
                // replica reads this before every batch, and it finds nothing most of the time.
                let limit = limit ?? Int.max
                rows = try await connection.query(
                    """
                    SELECT c.writer_id, c.seq, c.kind, \(unescaped: Self.stateColumns)
                    FROM audit_writers w
                    LEFT JOIN unnest(\(writers)::integer[], \(seqs)::bigint[]) AS p(writer_id, seq) ON p.writer_id = w.id
                    CROSS JOIN LATERAL (
                        SELECT * FROM audit_changes c WHERE c.writer_id = w.id AND c.seq > coalesce(p.seq, 0) ORDER BY c.seq LIMIT \(limit)
                    ) AS c
                    ORDER BY c.writer_id, c.seq LIMIT \(limit)
                    """, logger: logger)
            }
            for try await row in rows {
                let (writer, seq, kind) = try row.decode((Int32, Int64, Int16).self)
                var cells = row.makeIterator()
                for _ in 0..<3 { _ = cells.next() }
                guard let kind = AuditKind(changeNumber: Int64(kind)), let state = try Self.state(from: &cells) else {
                    throw PostgresStoreError.unreadableChange(writer: writer, seq: seq)
                }
                try body(PostgresChange(writer: writer, seq: seq, kind: kind, state: state))
                count += 1
            }
            return count
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// A state row's columns, prefixed `c.`, as ``state(from:)`` reads them.
    static let stateColumns = """
        c.user_id, c.version, c.email, c.name, c.profession, c.country, c.account, c.subscription, c.registered_at, c.external_id,
        c.enrolments, c.external_role
        """

    /// The user's state from the next cells of a row, in the order of ``stateColumns``; nil when a
    /// value is not one this build reads.
    static func state(from cells: inout PostgresRow.Iterator) throws -> UserState? {
        let id = UserID(try cells.next()!.decode(Int64.self))
        let version = try cells.next()!.decode(Int64.self)
        let email = try cells.next()!.decode(String.self)
        let name = try cells.next()!.decode(String.self)
        let profession = try cells.next()!.decode(String.self)
        let country = try cells.next()!.decode(String?.self)
        let account = try cells.next()!.decode(String.self)
        let subscription = try cells.next()!.decode(String.self)
        let registeredAt = try cells.next()!.decode(Int64.self)
        let externalID = try cells.next()!.decode(String?.self)
        let list = try cells.next()!.decode(ByteBuffer.self)
        let externalRole = try cells.next()!.decode(String?.self)
        guard let emailAddress = try? EmailAddress(email), let profession = Profession(rawValue: profession),
            let account = AccountState(rawValue: account), let subscription = Subscription(subscription),
            let enrolments = EnrolmentList.decode(Array(buffer: list), user: id)
        else { return nil }
        var countryCode: CountryCode?
        if let country {
            guard let code = CountryCode(country) else { return nil }
            countryCode = code
        }
        let user = User(
            id: id, email: emailAddress, name: name, profession: profession, country: countryCode, account: account,
            subscription: subscription, registeredAt: Instant(millisecondsSinceEpoch: registeredAt), externalID: externalID,
            externalRole: externalRole)
        return UserState(user: user, enrolments: enrolments, version: version)
    }

    /// Listens on ``changesChannel`` and calls `notice` with each notice's writer and sequence
    /// number, until `notice` returns false or the connection ends. Notices are lost while a
    /// connection is down: a replica also reads ``changes(after:limit:)`` every second.
    public func listenForChanges(_ notice: @Sendable (Int32, Int64) async -> Bool) async throws(PostgresStoreError) {
        do {
            try await connection.listen(on: Self.changesChannel) { notifications in
                for try await notification in notifications {
                    let parts = notification.payload.split(separator: ":")
                    guard parts.count == 2, let writer = Int32(parts[0]), let seq = Int64(parts[1]) else { continue }
                    if await !notice(writer, seq) { return }
                }
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}
