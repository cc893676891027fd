import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// The statements of a bulk import (`admit register` on PostgreSQL, `PostgresImportSession`):
/// its batch, the users its rows name (read and locked a few hundred at a time), the `users` and
/// `enrolments` rows it writes as multi-row statements, and the state rows it appends to the
/// writer's chain at the commit.
extension PostgresStore {
    /// Records the start of an import (status running) with `event`, in `writer`'s chain, in one
    /// transaction; returns the batch's id (which the event names).
    public func beginImport(fileName: String, sha256: String, event: EventRecord, writer: PostgresWriter) async throws(PostgresStoreError)
        -> Int64
    {
        let ids = try await textIDs(for: event.texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> Int64 in
                let rows = try await connection.query(
                    """
                    INSERT INTO import_batches(file_name, sha256, actor, started_at, status)
                    VALUES (\(fileName), \(sha256), \(event.actor), \(event.recordedAt.millisecondsSinceEpoch), 'running') RETURNING id
                    """, logger: logger
                ).collect()
                let id = try rows.first!.decode(Int64.self)
                var event = event
                event.batch = id
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                _ = try await chain.appendEvent(event, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
                return id
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Records how an import ended, with `event` in `writer`'s chain, in one transaction.
    public func finishImport(
        _ batch: Int64, status: ImportBatch.Status, sha256: String, counts: String, event: EventRecord, writer: PostgresWriter
    ) async throws(PostgresStoreError) {
        let ids = try await textIDs(for: event.texts)
        let logger = self.logger
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    UPDATE import_batches SET status = \(status.rawValue), sha256 = \(sha256), counts = \(counts),
                        ended_at = \(event.recordedAt.millisecondsSinceEpoch)
                    WHERE id = \(batch)
                    """, logger: logger)
                var event = event
                event.batch = batch
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                _ = try await chain.appendEvent(event, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Runs a statement that takes and returns nothing (`BEGIN`, `ROLLBACK`).
    func execute(_ statement: String) async throws(PostgresStoreError) {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The latest states of the users with any of these addresses, external ids or ids; with
    /// `lock`, their `users` rows are locked first (`FOR NO KEY UPDATE`, as an enrolment locks a
    /// user's row; in id order, so that two imports take them in one order) until the open
    /// transaction ends.
    ///
    /// The states are read by a second statement, after the locks are held: a statement reads
    /// what was committed when it began, so a state read with the lock, in one statement, could
    /// miss the change of the process whose lock it waited for.
    func readUsers(emails: [String], externalIDs: [String], ids: [Int64], lock: Bool) async throws(PostgresStoreError) -> [UserState] {
        do {
            var found: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM users WHERE email = ANY(\(emails)::text[]) OR external_id = ANY(\(externalIDs)::text[])
                                        OR id = ANY(\(ids)::bigint[])
                ORDER BY id \(unescaped: lock ? "FOR NO KEY UPDATE" : "")
                """, logger: logger
            ).decode(Int64.self) {
                found.append(id)
            }
            guard !found.isEmpty else { return [] }
            var states: [UserState] = []
            let rows = try await connection.query(
                """
                SELECT u.id, \(unescaped: Self.stateColumns)
                FROM unnest(\(found)::bigint[]) AS u(id)
                LEFT JOIN LATERAL (SELECT * FROM audit_changes c WHERE c.user_id = u.id ORDER BY c.version DESC LIMIT 1) AS c ON true
                """, logger: logger)
            for try await row in rows {
                var cells = row.makeIterator()
                let id = try cells.next()!.decode(Int64.self)
                guard try row.decode((Int64, Int64?).self).1 != nil else { throw PostgresStoreError.noState(user: id) }
                guard let state = try Self.state(from: &cells) else { throw PostgresStoreError.unreadableState(user: id) }
                states.append(state)
            }
            return states
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// `count` new user ids, in ascending order, from the `users` table's identity sequence (not
    /// given back when unused: ids may have gaps).
    func reserveUserIDs(_ count: Int) async throws(PostgresStoreError) -> [Int64] {
        do {
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT nextval(s.sequence)
                FROM (SELECT pg_get_serial_sequence('users', 'id')::regclass AS sequence) AS s, generate_series(1, \(count))
                """, logger: logger
            ).decode(Int64.self) {
                ids.append(id)
            }
            return ids.sorted()
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Writes an import's pending `users` and `enrolments` rows in the open transaction: the
    /// external ids that changed are let go of first (so that one may move to another user in
    /// the same write: the unique index is checked row by row), then new users, changed users,
    /// withdrawals of enrolments made before, and new enrolments.
    func writeImportTables(_ tables: ImportTables) async throws(PostgresStoreError) {
        let logger = self.logger
        do {
            if !tables.externalIDsChanged.isEmpty {
                try await connection.query(
                    "UPDATE users SET external_id = NULL WHERE id = ANY(\(tables.externalIDsChanged)::bigint[])", logger: logger)
            }
            let new = tables.newUsers
            let inserted = try await Self.insertUsers(new, on: connection, logger: logger)
            if inserted != new.id.count { throw PostgresStoreError.concurrentImport(rows: new.id.count - inserted) }
            let changed = tables.changedUsers
            if !changed.id.isEmpty {
                try await connection.query(
                    """
                    UPDATE users SET name = u.name, profession = u.profession, country = NULLIF(u.country, ''), account = u.account,
                        subscription = u.subscription, registered_at = u.registered_at, external_id = NULLIF(u.external_id, ''),
                        updated_at = u.updated_at, external_role = NULLIF(u.external_role, '')
                    FROM unnest(\(changed.id)::bigint[], \(changed.name)::text[], \(changed.profession)::text[],
                                \(changed.country)::text[], \(changed.account)::text[], \(changed.subscription)::text[],
                                \(changed.registeredAt)::bigint[], \(changed.externalID)::text[], \(changed.updatedAt)::bigint[],
                                \(changed.externalRole)::text[])
                         AS u(id, name, profession, country, account, subscription, registered_at, external_id, updated_at, external_role)
                    WHERE users.id = u.id
                    """, logger: logger)
            }
            let withdrawals = tables.withdrawals
            if !withdrawals.user.isEmpty {
                let updated = try await connection.query(
                    """
                    UPDATE enrolments e SET withdrawn_at = w.withdrawn_at
                    FROM unnest(\(withdrawals.user)::bigint[], \(withdrawals.package)::text[], \(withdrawals.at)::bigint[])
                         AS w(user_id, package_id, withdrawn_at)
                    WHERE e.user_id = w.user_id AND e.package_id = w.package_id AND e.withdrawn_at IS NULL
                    RETURNING e.id
                    """, logger: logger
                ).collect()
                if updated.count != withdrawals.user.count {
                    throw PostgresStoreError.enrolmentNotInLog(user: withdrawals.user[0], package: withdrawals.package[0])
                }
            }
            try await Self.insertEnrolments(EnrolmentColumns(tables.enrolments), on: connection, logger: logger)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Appends an import's state rows to `writer`'s chain, writes the batch's running counts, and
    /// commits the open transaction. The chain's head is locked here, after every user row the
    /// transaction locks (the order an enrolment takes them in), and held only until the commit.
    func commitImport(_ rows: [ChainedState], batch: Int64?, counts: String?, writer: PostgresWriter) async throws(PostgresStoreError) {
        var texts: Set<String> = []
        for row in rows { texts.formUnion(row.context.texts) }
        let logger = self.logger
        do {
            // In the transaction, and remembered only once it is committed.
            let ids = try await textIDs(for: texts, remember: false)
            if !rows.isEmpty {
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                var start = 0
                while start < rows.count {
                    let end = min(start + 5_000, rows.count)
                    _ = try await chain.appendStates(Array(rows[start..<end]), ids: ids, on: connection, logger: logger)
                    start = end
                }
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
            }
            if let batch, let counts {
                try await connection.query("UPDATE import_batches SET counts = \(counts) WHERE id = \(batch)", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            textIDs.withLock { cache in cache.merge(ids) { old, _ in old } }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Inserts `users` rows with the ids given, skipping any whose id, address or external id is
    /// taken; returns how many were inserted.
    static func insertUsers(_ users: UserColumns, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        guard !users.id.isEmpty else { return 0 }
        return try await connection.query(
            """
            INSERT INTO users(id, email, name, profession, country, account, subscription, registered_at, external_id, updated_at,
                external_role)
            SELECT u.id, u.email, u.name, u.profession, NULLIF(u.country, ''), u.account, u.subscription, u.registered_at,
                   NULLIF(u.external_id, ''), u.updated_at, NULLIF(u.external_role, '')
            FROM unnest(\(users.id)::bigint[], \(users.email)::text[], \(users.name)::text[], \(users.profession)::text[],
                        \(users.country)::text[], \(users.account)::text[], \(users.subscription)::text[],
                        \(users.registeredAt)::bigint[], \(users.externalID)::text[], \(users.updatedAt)::bigint[],
                        \(users.externalRole)::text[])
                 AS u(id, email, name, profession, country, account, subscription, registered_at, external_id, updated_at,
                      external_role)
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger
        ).collect().count
    }

    /// Inserts enrolment rows; fails when one is current and the table has a current enrolment of
    /// its user in its package already (which the log does not have).
    static func insertEnrolments(_ enrolments: EnrolmentColumns, on connection: PostgresConnection, logger: Logger) async throws {
        guard !enrolments.user.isEmpty else { return }
        let inserted = try await connection.query(
            """
            INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id)
            SELECT e.user_id, e.package_id, e.enrolled_at, e.source, e.forced, NULLIF(e.withdrawn_at, \(Int64.min)),
                   NULLIF(e.account_state, ''), NULLIF(e.batch_id, 0)
            FROM unnest(\(enrolments.user)::bigint[], \(enrolments.package)::text[], \(enrolments.enrolledAt)::bigint[],
                        \(enrolments.source)::text[], \(enrolments.forced)::boolean[], \(enrolments.withdrawnAt)::bigint[],
                        \(enrolments.accountState)::text[], \(enrolments.batch)::bigint[])
                 AS e(user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id)
            ON CONFLICT (user_id, package_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        if inserted.count != enrolments.user.count {
            throw PostgresStoreError.enrolmentNotInLog(user: enrolments.user[0], package: enrolments.package[0])
        }
    }
}

/// Enrolments as columns for one `unnest` insert; an open one's `withdrawnAt` is `Int64.min`, no
/// account state '', no batch 0.
struct EnrolmentColumns {
    var user: [Int64] = []
    var package: [String] = []
    var enrolledAt: [Int64] = []
    var source: [String] = []
    var forced: [Bool] = []
    var withdrawnAt: [Int64] = []
    var accountState: [String] = []
    var batch: [Int64] = []

    init(_ enrolments: [Enrolment]) {
        for enrolment in enrolments {
            user.append(enrolment.user.rawValue)
            package.append(enrolment.package.rawValue)
            enrolledAt.append(enrolment.enrolledAt.millisecondsSinceEpoch)
            source.append(enrolment.source.rawValue)
            forced.append(enrolment.forced)
            withdrawnAt.append(enrolment.withdrawnAt?.millisecondsSinceEpoch ?? Int64.min)
            accountState.append(enrolment.accountState?.rawValue ?? "")
            batch.append(enrolment.batch ?? 0)
        }
    }
}

/// What an import has changed in the `users` and `enrolments` tables since it last wrote them.
struct ImportTables: Sendable {
    /// Users created, with their latest values.
    var newUsers = UserColumns()
    /// Users changed (attributes, or only `updated_at` after an enrolment), with their latest values.
    var changedUsers = UserColumns()
    /// Of `changedUsers`, those whose external id changed.
    var externalIDsChanged: [Int64] = []
    /// Current enrolments written before, to withdraw.
    var withdrawals = Withdrawals()
    /// New enrolments, withdrawn ones with their withdrawal.
    var enrolments: [Enrolment] = []

    var isEmpty: Bool {
        newUsers.id.isEmpty && changedUsers.id.isEmpty && externalIDsChanged.isEmpty && withdrawals.user.isEmpty && enrolments.isEmpty
    }

    struct Withdrawals: Sendable {
        var user: [Int64] = []
        var package: [String] = []
        var at: [Int64] = []
    }
}
