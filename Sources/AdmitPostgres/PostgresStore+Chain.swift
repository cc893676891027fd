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
    ) async throws -> Int64 {
        guard let kindNumber = kind.changeNumber else { preconditionFailure("\(kind) is not a change of a user") }
        let user = state.user
        let enrolments = EnrolmentList.encode(state.enrolments)
        let seq = self.seq + 1
        let hash = self.hash.withUnsafeBytes { previous in
            enrolments.withUnsafeBytes { list in
                withOptionalBytes(context.overrode) { overrode in
                    hasher.change(
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
        self.seq = seq
        self.hash = hash
        return seq
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
