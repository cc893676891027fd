import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// The catalog, policy versions, users and enrolments on PostgreSQL: what `PostgresStorage`
/// gives Admit's use cases. Every write is one transaction that appends its audit rows to the
/// writer's chain and commits before it returns.
extension PostgresStore {
    /// The advisory lock that makes seeding happen once when several processes open a new database.
    static let seedLockKey: Int64 = 0x41_64_6D_69_74_53

    // MARK: Catalog

    /// Whether the database has no packages yet (a new database, to be seeded).
    public func isUnseeded() async throws(PostgresStoreError) -> Bool {
        try await scalar("SELECT count(*) FROM packages", as: Int64.self) == 0
    }

    /// Writes the catalog and the seed users with their enrolments in one transaction, unless
    /// another process has seeded the database (the check runs under an advisory lock).
    public func seed(_ catalog: Catalog, users: [SeedEntry], _ context: ChangeContext, writer: PostgresWriter)
        async throws(PostgresStoreError)
    {
        let ids = try await textIDs(for: [context.actor])
        let logger = self.logger
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.seedLockKey))", logger: logger)
                let packages = try await connection.query("SELECT count(*) FROM packages", logger: logger).collect()
                guard try packages.first?.decode(Int64.self) == 0 else { return }
                try await Self.insert(catalog, on: connection, logger: logger)
                guard !users.isEmpty else { return }
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                for entry in users {
                    var state = try await Self.insertUser(entry.user, context, on: connection, logger: logger)
                    try await chain.appendState(.userCreated, state, context, ids: ids, on: connection, logger: logger)
                    for seed in entry.enrolments {
                        var enrolment = Enrolment(
                            user: state.user.id, package: seed.package, enrolledAt: seed.at, source: seed.source,
                            accountState: entry.user.account)
                        enrolment.batch = context.batch
                        try await Self.insertEnrolment(enrolment, on: connection, logger: logger)
                        state.enrolments.append(enrolment)
                        state.version += 1
                        try await chain.appendState(.enrolmentAdded, state, context, ids: ids, on: connection, logger: logger)
                    }
                }
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Inserts the catalog's packages and lectures (in the caller's transaction).
    static func insert(_ catalog: Catalog, on connection: PostgresConnection, logger: Logger) async throws {
        for package in catalog.packages {
            try await connection.query(
                """
                INSERT INTO packages(id, title, platform, zone)
                VALUES (\(package.id.rawValue), \(package.title), \(package.platform), \(package.zone.identifier))
                """, logger: logger)
            for lecture in package.lectures {
                try await connection.query(
                    """
                    INSERT INTO lectures(id, package_id, position, title)
                    VALUES (\(lecture.id.rawValue), \(package.id.rawValue), \(lecture.position), \(lecture.title))
                    """, logger: logger)
            }
        }
    }

    /// Every package with its lectures.
    public func catalog() async throws(PostgresStoreError) -> Catalog {
        do {
            var lectures: [PackageID: [Lecture]] = [:]
            for try await (id, package, position, title) in try await connection.query(
                "SELECT id, package_id, position, title FROM lectures ORDER BY package_id, position", logger: logger
            ).decode((String, String, Int, String).self) {
                lectures[PackageID(package), default: []].append(
                    Lecture(id: LectureID(id), package: PackageID(package), position: position, title: title))
            }
            var packages: [Package] = []
            for try await (id, title, platform, zoneName) in try await connection.query(
                "SELECT id, title, platform, zone FROM packages ORDER BY id", logger: logger
            ).decode((String, String, String, String).self) {
                guard let zone = Zone(identifier: zoneName) else { throw PostgresStoreError.unknownZone(package: id, zone: zoneName) }
                let packageID = PackageID(id)
                packages.append(Package(id: packageID, title: title, platform: platform, zone: zone, lectures: lectures[packageID] ?? []))
            }
            return Catalog(packages: packages)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    // MARK: Policy versions and events

    /// The files of a stored policy version, by path; nil when the version is not stored.
    public func policyFiles(hash: String) async throws(PostgresStoreError) -> [StoredPolicyFile]? {
        do {
            guard
                try await connection.query("SELECT 1 FROM policy_versions WHERE hash = \(hash)", logger: logger).collect().first
                    != nil
            else { return nil }
            var files: [StoredPolicyFile] = []
            for try await (path, text) in try await connection.query(
                "SELECT path, text FROM policy_files WHERE version_hash = \(hash) ORDER BY path", logger: logger
            ).decode((String, String).self) {
                files.append(StoredPolicyFile(path: path, text: text))
            }
            return files
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The policy version named last, by the time it was recorded: by an event (a new version's
    /// `policy.loaded`) or by a writer's last row when that is a decision (a process that went
    /// back to an older version names it in its decisions only); when the log names none (a
    /// copied database), the version stored last. Nil when there is none.
    public func latestPolicyHash() async throws(PostgresStoreError) -> String? {
        let rows = try await strings(
            """
            SELECT hash FROM (
                SELECT t.text AS hash, named.recorded_at AS at, 1 AS rank FROM (
                    (SELECT recorded_at, policy FROM audit_events WHERE policy IS NOT NULL ORDER BY recorded_at DESC LIMIT 1)
                    UNION ALL
                    SELECT d.recorded_at, d.policy FROM audit_decisions d
                    JOIN audit_heads h ON h.writer_id = d.writer_id AND h.seq = d.seq
                ) AS named JOIN audit_texts t ON t.id = named.policy
                UNION ALL
                (SELECT hash, first_loaded_at, 0 FROM policy_versions ORDER BY first_loaded_at DESC, hash LIMIT 1)
            ) AS candidates
            ORDER BY rank DESC, at DESC LIMIT 1
            """)
        return rows.first
    }

    /// Stores a policy version with `event` (its `policy.loaded` row) in `writer`'s chain, in one
    /// transaction, unless it is stored already. Returns whether it was new.
    public func commitPolicyVersion(hash: String, files: [StoredPolicyFile], event: EventRecord, writer: PostgresWriter)
        async throws(PostgresStoreError) -> Bool
    {
        guard try await policyFiles(hash: hash) == nil else { return false }
        let ids = try await textIDs(for: event.texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> Bool in
                let inserted = try await connection.query(
                    """
                    INSERT INTO policy_versions(hash, first_loaded_at) VALUES (\(hash), \(event.recordedAt.millisecondsSinceEpoch))
                    ON CONFLICT (hash) DO NOTHING RETURNING hash
                    """, logger: logger
                ).collect()
                guard !inserted.isEmpty else { return false }
                for file in files {
                    try await connection.query(
                        "INSERT INTO policy_files(version_hash, path, text) VALUES (\(hash), \(file.path), \(file.text))", logger: logger)
                }
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                _ = try await chain.appendEvent(event, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
                return true
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Appends an event to `writer`'s chain and commits.
    public func commitEvent(_ event: EventRecord, writer: PostgresWriter) async throws(PostgresStoreError) {
        let ids = try await textIDs(for: event.texts)
        let logger = self.logger
        do {
            try await connection.withTransaction(logger: logger) { connection in
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                _ = try await chain.appendEvent(event, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    // MARK: Users

    /// How many users there are.
    public func userCount() async throws(PostgresStoreError) -> Int {
        Int(try await scalar("SELECT count(*) FROM users", as: Int64.self) ?? 0)
    }

    /// The id of the user with this email address.
    public func userID(email: EmailAddress) async throws(PostgresStoreError) -> UserID? {
        try await scalar("SELECT id FROM users WHERE email = \(email.normalized)", as: Int64.self).map(UserID.init)
    }

    /// The user's latest state in the log.
    public func userState(_ id: UserID) async throws(PostgresStoreError) -> UserState? {
        do {
            return try await Self.latestState(of: id, on: connection, lock: false, logger: logger)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Records an enrolment unless the user has a current one in the package, with its state row
    /// in `writer`'s chain, in one transaction. The user's row is locked first, so of two
    /// processes enrolling the same user at once the second reads the first's state and is told
    /// `.alreadyEnrolled`; the partial unique index on current enrolments holds it too.
    public func commitEnrolment(_ enrolment: Enrolment, _ context: ChangeContext, writer: PostgresWriter)
        async throws(PostgresStoreError) -> EnrolmentInsert
    {
        let ids = try await textIDs(for: context.texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> EnrolmentInsert in
                guard var state = try await Self.latestState(of: enrolment.user, on: connection, lock: true, logger: logger) else {
                    throw PostgresStoreError.noState(user: enrolment.user.rawValue)
                }
                if let existing = state.currentEnrolment(in: enrolment.package) { return .alreadyEnrolled(existing) }
                var enrolment = enrolment
                enrolment.batch = context.batch
                try await Self.insertEnrolment(enrolment, on: connection, logger: logger)
                try await Self.touch(enrolment.user, at: context.recordedAt, on: connection, logger: logger)
                state.enrolments.append(enrolment)
                state.version += 1
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                try await chain.appendState(.enrolmentAdded, state, context, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
                return .added(enrolment, state)
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Withdraws the user's current enrolment in `package` at `at`, with its state row, in one
    /// transaction (the user's row locked first). Nil when there was none.
    public func commitWithdrawal(user: UserID, from package: PackageID, at: Instant, _ context: ChangeContext, writer: PostgresWriter)
        async throws(PostgresStoreError) -> Enrolment?
    {
        let ids = try await textIDs(for: context.texts)
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> Enrolment? in
                guard var state = try await Self.latestState(of: user, on: connection, lock: true, logger: logger),
                    let index = state.enrolments.lastIndex(where: { $0.package == package && $0.withdrawnAt == nil })
                else { return nil }
                try await connection.query(
                    """
                    UPDATE enrolments SET withdrawn_at = \(at.millisecondsSinceEpoch)
                    WHERE user_id = \(user.rawValue) AND package_id = \(package.rawValue) AND withdrawn_at IS NULL
                    """, logger: logger)
                try await Self.touch(user, at: context.recordedAt, on: connection, logger: logger)
                state.enrolments[index].withdrawnAt = at
                state.version += 1
                var chain = try await OpenChain.lock(writer, on: connection, logger: logger)
                try await chain.appendState(.enrolmentWithdrawn, state, context, ids: ids, on: connection, logger: logger)
                try await chain.save(on: connection, logger: logger)
                try await chain.notify(on: connection, logger: logger)
                return state.enrolments[index]
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    // MARK: Statements

    /// The user's latest state row; with `lock`, the user's `users` row is locked first
    /// (`FOR NO KEY UPDATE`: two such locks wait for each other, a foreign key's check does not
    /// wait for it), so that changes of one user are made one after the other.
    private static func latestState(of user: UserID, on connection: PostgresConnection, lock: Bool, logger: Logger) async throws
        -> UserState?
    {
        if lock {
            let locked = try await connection.query(
                "SELECT 1 FROM users WHERE id = \(user.rawValue) FOR NO KEY UPDATE", logger: logger
            ).collect()
            guard !locked.isEmpty else { return nil }
        }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: stateColumns) FROM audit_changes c
            WHERE c.user_id = \(user.rawValue) ORDER BY c.version DESC LIMIT 1
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        var cells = row.makeIterator()
        guard let state = try Self.state(from: &cells) else { throw PostgresStoreError.unreadableState(user: user.rawValue) }
        return state
    }

    /// Inserts a user's row; returns their first state (version 1, no enrolments).
    private static func insertUser(_ new: NewUser, _ context: ChangeContext, on connection: PostgresConnection, logger: Logger) async throws
        -> UserState
    {
        let rows = try await connection.query(
            """
            INSERT INTO users(email, name, profession, country, account, subscription, registered_at, external_id, updated_at, external_role)
            VALUES (\(new.email.normalized), \(new.name), \(new.profession.rawValue), \(new.country?.rawValue), \(new.account.rawValue),
                \(new.subscription.rawValue), \(new.registeredAt.millisecondsSinceEpoch), \(new.externalID),
                \(context.recordedAt.millisecondsSinceEpoch), \(new.externalRole))
            RETURNING id
            """, logger: logger
        ).collect()
        let id = try rows.first!.decode(Int64.self)
        return UserState(user: new.withID(UserID(id)), enrolments: [], version: 1)
    }

    /// Inserts an enrolment row; fails when the table has a current enrolment the log does not.
    private static func insertEnrolment(_ enrolment: Enrolment, on connection: PostgresConnection, logger: Logger) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, batch_id, account_state)
            VALUES (\(enrolment.user.rawValue), \(enrolment.package.rawValue), \(enrolment.enrolledAt.millisecondsSinceEpoch),
                \(enrolment.source.rawValue), \(enrolment.forced), \(enrolment.batch), \(enrolment.accountState?.rawValue))
            ON CONFLICT (user_id, package_id) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else {
            throw PostgresStoreError.enrolmentNotInLog(user: enrolment.user.rawValue, package: enrolment.package.rawValue)
        }
    }

    /// Sets the user's `updated_at`, the instant of their latest state row.
    private static func touch(_ user: UserID, at instant: Instant, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE users SET updated_at = \(instant.millisecondsSinceEpoch) WHERE id = \(user.rawValue)", logger: logger)
    }

    /// The first column of the first row, if any.
    private func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) async throws(PostgresStoreError) -> T? {
        do {
            return try await connection.query(query, logger: logger).collect().first?.decode(T.self)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The first column of every row.
    private func strings(_ query: PostgresQuery) async throws(PostgresStoreError) -> [String] {
        do {
            var values: [String] = []
            for try await value in try await connection.query(query, logger: logger).decode(String.self) { values.append(value) }
            return values
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}

extension ChangeContext {
    /// The texts its audit rows name by number: the actor and the policy version.
    var texts: Set<String> {
        var texts: Set<String> = [actor]
        if let policyHash { texts.insert(policyHash) }
        return texts
    }
}

extension EventRecord {
    /// The texts its audit row names by number: the actor and the policy version.
    var texts: Set<String> {
        var texts: Set<String> = [actor]
        if let policyHash { texts.insert(policyHash) }
        return texts
    }
}
