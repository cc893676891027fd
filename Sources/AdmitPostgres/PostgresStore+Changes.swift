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
        guard let kindNumber = kind.changeNumber else { preconditionFailure("\(kind) is not a change of a user") }
        var texts: Set<String> = [context.actor]
        if let policy = context.policyHash { texts.insert(policy) }
        let ids = try await textIDs(for: texts)
        let logger = self.logger
        let user = state.user
        let enrolments = EnrolmentList.encode(state.enrolments)
        do {
            return try await connection.withTransaction(logger: logger) { connection -> Int64 in
                var head: (seq: Int64, hash: [UInt8])?
                for try await (seq, hash) in try await connection.query(
                    "SELECT seq, hash FROM audit_heads WHERE writer_id = \(writer.id) FOR UPDATE", logger: logger
                ).decode((Int64, ByteBuffer).self) {
                    head = (seq, Array(buffer: hash))
                }
                guard let head else { throw PostgresStoreError.writerWithoutHead(id: writer.id, name: writer.name) }
                let seq = head.seq + 1
                let hash = head.hash.withUnsafeBytes { previous in
                    enrolments.withUnsafeBytes { list in
                        withOptionalBytes(context.overrode) { overrode in
                            RowHasher().change(
                                previous: previous, seq: seq, recordedAt: context.recordedAt.millisecondsSinceEpoch, actor: context.actor,
                                kind: kindNumber, user: user.id.rawValue, version: state.version, batch: context.batch,
                                policy: context.policyHash, overrode: overrode, email: user.email.normalized, name: user.name,
                                profession: user.profession.rawValue, country: user.country?.rawValue, account: user.account.rawValue,
                                subscription: user.subscription.rawValue, registeredAt: user.registeredAt.millisecondsSinceEpoch,
                                externalID: user.externalID, enrolments: list, externalRole: user.externalRole)
                        }
                    }
                }.bytes
                let actor = ids[context.actor]!
                let policy = context.policyHash.map { ids[$0]! }
                let overrode = context.overrode.map { ByteBuffer(bytes: $0) }
                let kindValue = Int16(kindNumber)
                let email = user.email.normalized
                let country = user.country?.rawValue
                let registeredAt = user.registeredAt.millisecondsSinceEpoch
                let recordedAt = context.recordedAt.millisecondsSinceEpoch
                try await connection.query(
                    """
                    INSERT INTO audit_changes(writer_id, seq, recorded_at, actor, kind, user_id, version, batch_id, policy, overrode,
                        email, name, profession, country, account, subscription, registered_at, external_id, enrolments, external_role, hash)
                    VALUES (\(writer.id), \(seq), \(recordedAt), \(actor), \(kindValue), \(user.id.rawValue), \(state.version),
                        \(context.batch), \(policy), \(overrode), \(email), \(user.name), \(user.profession.rawValue), \(country),
                        \(user.account.rawValue), \(user.subscription.rawValue), \(registeredAt), \(user.externalID),
                        \(ByteBuffer(bytes: enrolments)), \(user.externalRole), \(ByteBuffer(bytes: hash)))
                    """, logger: logger)
                try await connection.query(
                    "UPDATE audit_heads SET seq = \(seq), hash = \(ByteBuffer(bytes: hash)) WHERE writer_id = \(writer.id)", logger: logger)
                try await connection.query("SELECT pg_notify(\(Self.changesChannel), \("\(writer.id):\(seq)"))", logger: logger)
                return seq
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
        let writers = Array(positions.keys)
        let seqs = writers.map { positions[$0]! }
        let logger = self.logger
        do {
            var changes: [PostgresChange] = []
            let rows = try await connection.query(
                """
                SELECT c.writer_id, c.seq, c.kind, c.user_id, c.version, c.email, c.name, c.profession, c.country, c.account,
                       c.subscription, c.registered_at, c.external_id, c.enrolments, c.external_role
                FROM audit_changes c LEFT JOIN unnest(\(writers)::integer[], \(seqs)::bigint[]) AS p(writer_id, seq)
                     ON p.writer_id = c.writer_id
                WHERE c.seq > coalesce(p.seq, 0)
                ORDER BY c.writer_id, c.seq LIMIT \(limit)
                """, logger: logger)
            for try await row in rows {
                let (writer, seq, kind, userID, version, email, name, profession) = try row.decode(
                    (Int32, Int64, Int16, Int64, Int64, String, String, String).self)
                var cells = row.makeIterator()
                for _ in 0..<8 { _ = cells.next() }
                let country = try cells.next()!.decode(String?.self)
                let account = try cells.next()!.decode(String.self)
                let subscription = try cells.next()!.decode(String.self)
                let registeredAt = try cells.next()!.decode(Int64.self)
                let externalID = try cells.next()!.decode(String?.self)
                let list = try cells.next()!.decode(ByteBuffer.self)
                let externalRole = try cells.next()!.decode(String?.self)
                let id = UserID(userID)
                guard let kind = AuditKind(changeNumber: Int64(kind)), let emailAddress = try? EmailAddress(email),
                    let profession = Profession(rawValue: profession), let account = AccountState(rawValue: account),
                    let subscription = Subscription(subscription), let enrolments = EnrolmentList.decode(Array(buffer: list), user: id)
                else { throw PostgresStoreError.unreadableChange(writer: writer, seq: seq) }
                var countryCode: CountryCode?
                if let country {
                    guard let code = CountryCode(country) else { throw PostgresStoreError.unreadableChange(writer: writer, seq: seq) }
                    countryCode = code
                }
                let user = User(
                    id: id, email: emailAddress, name: name, profession: profession, country: countryCode, account: account,
                    subscription: subscription, registeredAt: Instant(millisecondsSinceEpoch: registeredAt), externalID: externalID,
                    externalRole: externalRole)
                changes.append(
                    PostgresChange(
                        writer: writer, seq: seq, kind: kind, state: UserState(user: user, enrolments: enrolments, version: version)))
            }
            return changes
        } catch {
            throw Self.storeError(error, url: url)
        }
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
