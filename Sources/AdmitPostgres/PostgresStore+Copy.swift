import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// A copy of a SQLite database into an empty PostgreSQL one (`admit copy`): the catalog, the
/// policy versions, and every user with their latest state, in batches of one transaction each,
/// as multi-row inserts. Each user's state becomes a `user.state` row of the copying writer's
/// chain with the same user id and version; the SQLite file keeps the history before it.
extension PostgresStore {
    /// Writes the catalog and the policy versions into an empty database, in one transaction.
    /// Fails with ``PostgresStoreError/notEmpty(database:)`` when it has packages or users.
    public func beginCopy(catalog: Catalog, policies: [(hash: String, firstLoadedAt: Instant, files: [StoredPolicyFile])])
        async throws(PostgresStoreError)
    {
        let logger = self.logger
        let database = url.database
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.seedLockKey))", logger: logger)
                let rows = try await connection.query(
                    "SELECT (SELECT count(*) FROM packages) + (SELECT count(*) FROM users)", logger: logger
                ).collect()
                guard try rows.first?.decode(Int64.self) == 0 else { throw PostgresStoreError.notEmpty(database: database) }
                try await Self.insert(catalog, on: connection, logger: logger)
                for policy in policies {
                    try await connection.query(
                        "INSERT INTO policy_versions(hash, first_loaded_at) VALUES (\(policy.hash), \(policy.firstLoadedAt.millisecondsSinceEpoch))",
                        logger: logger)
                    for file in policy.files {
                        try await connection.query(
                            "INSERT INTO policy_files(version_hash, path, text) VALUES (\(policy.hash), \(file.path), \(file.text))",
                            logger: logger)
                    }
                }
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Copies users with their states (the same ids and versions) in one transaction: the
    /// `users` rows, their enrolments (without import batches, which stay in the SQLite file),
    /// and one `user.state` row each in `writer`'s chain.
    public func copyUsers(_ states: [UserState], _ context: ChangeContext, writer: PostgresWriter) async throws(PostgresStoreError) {
        guard !states.isEmpty else { return }
        let ids = try await textIDs(for: context.texts)
        let logger = self.logger
        let states = states.map { state in
            var state = state
            for index in state.enrolments.indices { state.enrolments[index].batch = nil }
            // An empty text is stored as NULL (below), so it is hashed as none.
            if state.user.externalID == "" { state.user.externalID = nil }
            if state.user.externalRole == "" { state.user.externalRole = nil }
            return state
        }
        let updatedAt = context.recordedAt.millisecondsSinceEpoch
        let enrolments = EnrolmentColumns(states)
        do {
            try await connection.withTransaction(logger: logger) { connection in
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                // The state rows first (no key refers to users), then the users they describe.
                let users = try await chain.appendStates(states, as: .userState, context, ids: ids, on: connection, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO users(id, email, name, profession, country, account, subscription, registered_at, external_id,
                        updated_at, external_role)
                    SELECT u.id, u.email, u.name, u.profession, NULLIF(u.country, ''), u.account, u.subscription, u.registered_at,
                           NULLIF(u.external_id, ''), \(updatedAt), NULLIF(u.external_role, '')
                    FROM unnest(\(users.user)::bigint[], \(users.email)::text[], \(users.name)::text[], \(users.profession)::text[],
                                \(users.country)::text[], \(users.account)::text[], \(users.subscription)::text[],
                                \(users.registeredAt)::bigint[], \(users.externalID)::text[], \(users.externalRole)::text[])
                         AS u(id, email, name, profession, country, account, subscription, registered_at, external_id, external_role)
                    """, logger: logger)
                if !enrolments.user.isEmpty {
                    try await connection.query(
                        """
                        INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state)
                        SELECT e.user_id, e.package_id, e.enrolled_at, e.source, e.forced, NULLIF(e.withdrawn_at, \(Int64.min)),
                               NULLIF(e.account_state, '')
                        FROM unnest(\(enrolments.user)::bigint[], \(enrolments.package)::text[], \(enrolments.enrolledAt)::bigint[],
                                    \(enrolments.source)::text[], \(enrolments.forced)::boolean[], \(enrolments.withdrawnAt)::bigint[],
                                    \(enrolments.accountState)::text[])
                             AS e(user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state)
                        """, logger: logger)
                }
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Ends a copy: new users' ids continue after the highest one copied.
    public func finishCopy() async throws(PostgresStoreError) {
        do {
            try await connection.query(
                "SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce((SELECT max(id) FROM users), 0) + 1, false)",
                logger: logger)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}

extension OpenChain {
    /// Appends a state row of `kind` for each of `states`, in order, as one multi-row insert, and
    /// returns the rows' columns (the copy inserts its `users` rows from them). The context names
    /// no policy and no batch.
    fileprivate mutating func appendStates(
        _ states: [UserState], as kind: AuditKind, _ context: ChangeContext, ids: [String: Int64], on connection: PostgresConnection,
        logger: Logger
    ) async throws -> StateColumns {
        precondition(
            context.policyHash == nil && context.batch == nil && context.overrode == nil, "a bulk state row names no policy or batch")
        guard let kindNumber = kind.changeNumber else { preconditionFailure("\(kind) is not a change of a user") }
        let hasher = RowHasher()
        let recordedAt = context.recordedAt.millisecondsSinceEpoch
        var rows = StateColumns()
        var seq = self.seq
        var hash = self.hash
        for state in states {
            seq += 1
            let user = state.user
            let enrolments = EnrolmentList.encode(state.enrolments)
            hash =
                hash.withUnsafeBytes { previous in
                    enrolments.withUnsafeBytes { list in
                        hasher.change(
                            previous: previous, seq: seq, recordedAt: recordedAt, actor: context.actor, kind: kindNumber,
                            user: user.id.rawValue, version: state.version, batch: nil, policy: nil, overrode: nil,
                            email: user.email.normalized, name: user.name, profession: user.profession.rawValue,
                            country: user.country?.rawValue, account: user.account.rawValue, subscription: user.subscription.rawValue,
                            registeredAt: user.registeredAt.millisecondsSinceEpoch, externalID: user.externalID, enrolments: list,
                            externalRole: user.externalRole)
                    }
                }.bytes
            rows.append(seq: seq, state: state, enrolments: enrolments, hash: hash)
        }
        try await connection.query(
            """
            INSERT INTO audit_changes(writer_id, seq, recorded_at, actor, kind, user_id, version, email, name, profession, country,
                account, subscription, registered_at, external_id, enrolments, external_role, hash)
            SELECT \(writer.id), r.seq, \(recordedAt), \(ids[context.actor]!), \(Int16(kindNumber)), r.user_id, r.version, r.email,
                   r.name, r.profession, NULLIF(r.country, ''), r.account, r.subscription, r.registered_at, NULLIF(r.external_id, ''),
                   r.enrolments, NULLIF(r.external_role, ''), r.hash
            FROM unnest(\(rows.seq)::bigint[], \(rows.user)::bigint[], \(rows.version)::bigint[], \(rows.email)::text[],
                        \(rows.name)::text[], \(rows.profession)::text[], \(rows.country)::text[], \(rows.account)::text[],
                        \(rows.subscription)::text[], \(rows.registeredAt)::bigint[], \(rows.externalID)::text[],
                        \(rows.enrolments)::bytea[], \(rows.externalRole)::text[], \(rows.hash)::bytea[])
                 AS r(seq, user_id, version, email, name, profession, country, account, subscription, registered_at, external_id,
                      enrolments, external_role, hash)
            """, logger: logger)
        self.advance(to: seq, hash: hash)
        return rows
    }
}

/// Every enrolment of some users as columns; an open one's `withdrawnAt` is `Int64.min`.
private struct EnrolmentColumns {
    var user: [Int64] = []
    var package: [String] = []
    var enrolledAt: [Int64] = []
    var source: [String] = []
    var forced: [Bool] = []
    var withdrawnAt: [Int64] = []
    var accountState: [String] = []

    init(_ states: [UserState]) {
        for state in states {
            for enrolment in state.enrolments {
                user.append(enrolment.user.rawValue)
                package.append(enrolment.package.rawValue)
                enrolledAt.append(enrolment.enrolledAt.millisecondsSinceEpoch)
                source.append(enrolment.source.rawValue)
                forced.append(enrolment.forced)
                withdrawnAt.append(enrolment.withdrawnAt?.millisecondsSinceEpoch ?? Int64.min)
                accountState.append(enrolment.accountState?.rawValue ?? "")
            }
        }
    }
}

/// State rows as columns for one `unnest` insert; an absent optional text is '' (NULLIF in SQL).
private struct StateColumns {
    var seq: [Int64] = []
    var user: [Int64] = []
    var version: [Int64] = []
    var email: [String] = []
    var name: [String] = []
    var profession: [String] = []
    var country: [String] = []
    var account: [String] = []
    var subscription: [String] = []
    var registeredAt: [Int64] = []
    var externalID: [String] = []
    var enrolments: [ByteBuffer] = []
    var externalRole: [String] = []
    var hash: [ByteBuffer] = []

    mutating func append(seq: Int64, state: UserState, enrolments list: [UInt8], hash digest: [UInt8]) {
        let user = state.user
        self.seq.append(seq)
        self.user.append(user.id.rawValue)
        version.append(state.version)
        email.append(user.email.normalized)
        name.append(user.name)
        profession.append(user.profession.rawValue)
        country.append(user.country?.rawValue ?? "")
        account.append(user.account.rawValue)
        subscription.append(user.subscription.rawValue)
        registeredAt.append(user.registeredAt.millisecondsSinceEpoch)
        externalID.append(user.externalID ?? "")
        enrolments.append(ByteBuffer(bytes: list))
        externalRole.append(user.externalRole ?? "")
        hash.append(ByteBuffer(bytes: digest))
    }
}
