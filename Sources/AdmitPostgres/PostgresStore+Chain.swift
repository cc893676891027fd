import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// A writer's chain head, locked in the transaction that appends to it: rows take the next
/// sequence numbers and each one's hash follows the one before; `save` writes the head back.
struct OpenChain {
    let writer: PostgresWriter
    private(set) var seq: Int64
    private(set) var hash: [UInt8]
    private let hasher = RowHasher()

    /// Locks `writer`'s head row (`FOR UPDATE`) for the rest of the transaction and reads it.
    static func lock(_ writer: PostgresWriter, on connection: PostgresConnection, logger: Logger) async throws -> OpenChain {
        for try await (seq, hash) in try await connection.query(
            "SELECT seq, hash FROM audit_heads WHERE writer_id = \(writer.id) FOR UPDATE", logger: logger
        ).decode((Int64, ByteBuffer).self) {
            return OpenChain(writer: writer, seq: seq, hash: Array(buffer: hash))
        }
        throw PostgresStoreError.writerWithoutHead(id: writer.id, name: writer.name)
    }

    private init(writer: PostgresWriter, seq: Int64, hash: [UInt8]) {
        self.writer = writer
        self.seq = seq
        self.hash = hash
    }

    /// Writes the head back (call last in the transaction).
    func save(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE audit_heads SET seq = \(seq), hash = \(ByteBuffer(bytes: hash)) WHERE writer_id = \(writer.id)", logger: logger)
    }

    /// Appends a state row of `kind` for `state` (the user's whole state after the change).
    /// `ids` holds the `audit_texts` ids of the context's actor and policy.
    mutating func appendState(
        _ kind: AuditKind, _ state: UserState, _ context: ChangeContext, ids: [String: Int64], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        _ = try await appendStates([ChainedState(kind: kind, state: state, context: context)], ids: ids, on: connection, logger: logger)
    }

    /// The hash of a state row of `kind` (its number) for `state`, whose enrolments are encoded
    /// as `enrolments`, following the row whose hash is `previous`.
    static func hash(
        after previous: [UInt8], seq: Int64, kind: Int64, _ state: UserState, enrolments: [UInt8], _ context: ChangeContext,
        hasher: RowHasher
    ) -> [UInt8] {
        let user = state.user
        return previous.withUnsafeBytes { previous in
            enrolments.withUnsafeBytes { list in
                withOptionalBytes(context.overrode) { overrode in
                    hasher.change(
                        previous: previous, seq: seq, recordedAt: context.recordedAt.millisecondsSinceEpoch, actor: context.actor,
                        kind: kind, user: user.id.rawValue, version: state.version, batch: context.batch,
                        policy: context.policyHash, overrode: overrode, email: user.email.normalized, name: user.name,
                        profession: user.profession.rawValue, country: user.country?.rawValue, account: user.account.rawValue,
                        subscription: user.subscription.rawValue, registeredAt: user.registeredAt.millisecondsSinceEpoch,
                        externalID: user.externalID, enrolments: list, externalRole: user.externalRole)
                }
            }
        }.bytes
    }

    /// Appends a state row for each of `rows`, in order, as one multi-row insert, and returns
    /// the rows' columns (a copy inserts its `users` rows from `users`). `ids` holds the
    /// `audit_texts` ids of every row's actor and policy.
    @discardableResult
    mutating func appendStates(_ rows: [ChainedState], ids: [String: Int64], on connection: PostgresConnection, logger: Logger)
        async throws -> StateColumns
    {
        var columns = StateColumns()
        guard !rows.isEmpty else { return columns }
        var seq = self.seq
        var hash = self.hash
        for var row in rows {
            guard let kind = row.kind.changeNumber else { preconditionFailure("\(row.kind) is not a change of a user") }
            // An empty text or refusal is stored as NULL (StateColumns), so it is hashed as none.
            if row.state.user.externalID == "" { row.state.user.externalID = nil }
            if row.state.user.externalRole == "" { row.state.user.externalRole = nil }
            if row.context.overrode == [] { row.context.overrode = nil }
            seq += 1
            let enrolments = EnrolmentList.encode(row.state.enrolments)
            hash = Self.hash(after: hash, seq: seq, kind: kind, row.state, enrolments: enrolments, row.context, hasher: hasher)
            columns.append(seq: seq, kind: kind, row: row, enrolments: enrolments, hash: hash, ids: ids)
        }
        try await connection.query(
            """
            INSERT INTO audit_changes(writer_id, seq, recorded_at, actor, kind, user_id, version, batch_id, policy, overrode, email,
                name, profession, country, account, subscription, registered_at, external_id, enrolments, external_role, hash)
            SELECT \(writer.id), r.seq, r.recorded_at, r.actor, r.kind, r.user_id, r.version, NULLIF(r.batch_id, 0),
                   NULLIF(r.policy, 0), NULLIF(r.overrode, ''::bytea), r.email, r.name, r.profession, NULLIF(r.country, ''),
                   r.account, r.subscription, r.registered_at, NULLIF(r.external_id, ''), r.enrolments, NULLIF(r.external_role, ''),
                   r.hash
            FROM unnest(\(columns.seq)::bigint[], \(columns.recordedAt)::bigint[], \(columns.actor)::bigint[],
                        \(columns.kind)::smallint[], \(columns.users.id)::bigint[], \(columns.version)::bigint[],
                        \(columns.batch)::bigint[], \(columns.policy)::bigint[], \(columns.overrode)::bytea[],
                        \(columns.users.email)::text[], \(columns.users.name)::text[], \(columns.users.profession)::text[],
                        \(columns.users.country)::text[], \(columns.users.account)::text[], \(columns.users.subscription)::text[],
                        \(columns.users.registeredAt)::bigint[], \(columns.users.externalID)::text[], \(columns.enrolments)::bytea[],
                        \(columns.users.externalRole)::text[], \(columns.hash)::bytea[])
                 AS r(seq, recorded_at, actor, kind, user_id, version, batch_id, policy, overrode, email, name, profession, country,
                      account, subscription, registered_at, external_id, enrolments, external_role, hash)
            """, logger: logger)
        self.seq = seq
        self.hash = hash
        return columns
    }

    /// Appends an event row. `ids` holds the `audit_texts` ids of its actor and policy.
    mutating func appendEvent(_ event: EventRecord, ids: [String: Int64], on connection: PostgresConnection, logger: Logger) async throws
        -> Int64
    {
        let seq = self.seq + 1
        let hash = self.hash.withUnsafeBytes { previous in
            hasher.event(
                previous: previous, seq: seq, recordedAt: event.recordedAt.millisecondsSinceEpoch, actor: event.actor,
                kind: event.kind.rawValue, package: event.package?.rawValue, at: event.at?.millisecondsSinceEpoch,
                policy: event.policyHash, batch: event.batch, detail: event.detail)
        }.bytes
        let actor = ids[event.actor]!
        let policy = event.policyHash.map { ids[$0]! }
        try await connection.query(
            """
            INSERT INTO audit_events(writer_id, seq, recorded_at, actor, kind, package_id, at, policy, batch_id, detail, hash)
            VALUES (\(writer.id), \(seq), \(event.recordedAt.millisecondsSinceEpoch), \(actor), \(event.kind.rawValue),
                \(event.package?.rawValue), \(event.at?.millisecondsSinceEpoch), \(policy), \(event.batch), \(event.detail),
                \(ByteBuffer(bytes: hash)))
            """, logger: logger)
        self.seq = seq
        self.hash = hash
        return seq
    }

    /// Moves the head to rows appended by a caller in this file (a multi-row insert).
    mutating func advance(to seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// Tells every listening replica, at commit, that this writer's chain reached `seq` with a
    /// state row (``PostgresStore/changesChannel``).
    func notify(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(PostgresStore.changesChannel), \("\(writer.id):\(seq)"))", logger: logger)
    }
}

/// A change of a user to append as a state row: its kind, the user's whole state after it, and
/// who made it when (with the batch, policy and overridden refusal that the row names).
struct ChainedState: Sendable {
    var kind: AuditKind
    var state: UserState
    var context: ChangeContext
}

/// State rows as columns for one `unnest` insert: the users' columns as their `users` rows have
/// them (`updated_at` the row's time), and the log's own; an absent batch or policy is 0, an
/// absent overridden refusal an empty bytea (NULLIF in SQL).
struct StateColumns {
    var users = UserColumns()
    var seq: [Int64] = []
    var recordedAt: [Int64] = []
    var actor: [Int64] = []
    var kind: [Int16] = []
    var version: [Int64] = []
    var batch: [Int64] = []
    var policy: [Int64] = []
    var overrode: [ByteBuffer] = []
    var enrolments: [ByteBuffer] = []
    var hash: [ByteBuffer] = []

    mutating func append(seq: Int64, kind: Int64, row: ChainedState, enrolments list: [UInt8], hash digest: [UInt8], ids: [String: Int64]) {
        let context = row.context
        users.append(row.state.user, updatedAt: context.recordedAt)
        self.seq.append(seq)
        recordedAt.append(context.recordedAt.millisecondsSinceEpoch)
        actor.append(ids[context.actor]!)
        self.kind.append(Int16(kind))
        version.append(row.state.version)
        batch.append(context.batch ?? 0)
        policy.append(context.policyHash.map { ids[$0]! } ?? 0)
        overrode.append(ByteBuffer(bytes: context.overrode ?? []))
        enrolments.append(ByteBuffer(bytes: list))
        hash.append(ByteBuffer(bytes: digest))
    }
}

/// `users` rows as columns for one `unnest` statement; an absent optional text is ''.
struct UserColumns: Sendable {
    var id: [Int64] = []
    var email: [String] = []
    var name: [String] = []
    var profession: [String] = []
    var country: [String] = []
    var account: [String] = []
    var subscription: [String] = []
    var registeredAt: [Int64] = []
    var externalID: [String] = []
    var updatedAt: [Int64] = []
    var externalRole: [String] = []

    mutating func append(_ user: User, updatedAt instant: Instant) {
        id.append(user.id.rawValue)
        email.append(user.email.normalized)
        name.append(user.name)
        profession.append(user.profession.rawValue)
        country.append(user.country?.rawValue ?? "")
        account.append(user.account.rawValue)
        subscription.append(user.subscription.rawValue)
        registeredAt.append(user.registeredAt.millisecondsSinceEpoch)
        externalID.append(user.externalID ?? "")
        updatedAt.append(instant.millisecondsSinceEpoch)
        externalRole.append(user.externalRole ?? "")
    }
}
