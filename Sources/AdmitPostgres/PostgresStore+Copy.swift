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
        let database = url.database
        let enrolments = EnrolmentColumns(states.flatMap(\.enrolments))
        do {
            try await connection.withTransaction(logger: logger) { connection in
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                // The state rows first (no key refers to users), then the users they describe.
                let users = try await chain.appendStates(
                    states.map { ChainedState(kind: .userState, state: $0, context: context) }, ids: ids, on: connection, logger: logger)
                let inserted = try await Self.insertUsers(users.users, on: connection, logger: logger)
                guard inserted == states.count else { throw PostgresStoreError.notEmpty(database: database) }
                try await Self.insertEnrolments(enrolments, on: connection, logger: logger)
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
