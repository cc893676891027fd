import AdmitDomain
import Foundation
import SQLite

/// What happened when an enrolment was asked for.
public enum EnrolmentInsert: Sendable, Hashable {
    /// A new enrolment was recorded; the user's state after it.
    case added(Enrolment, UserState)
    /// The user already had a current enrolment in the package; nothing changed.
    case alreadyEnrolled(Enrolment)
}

extension Store {
    /// The columns of a state row, as `stateRow(from:at:)` reads them from `offset` on.
    static let stateColumns = """
        user_id, version, email, name, profession, country, account, subscription, registered_at, external_id, enrolments,
        external_role
        """

    // MARK: Reading states

    /// The user's latest state in the audit log (nil for an unknown user).
    ///
    /// This, not the `users` and `enrolments` tables, is what decisions use: the tables are kept
    /// equal to it, and `audit verify` says where they are not.
    public func userState(_ id: UserID) throws(StoreError) -> UserState? {
        try run {
            let select = try hot(.latestState)
            try select.bindAll(id.rawValue)
            defer { select.reset() }
            return try select.step() ? try Store.userState(from: select, at: 0) : nil
        }
    }

    /// The latest state of the user whose external id is `externalID` (nil when no user has it):
    /// `users` finds the id by its partial unique index, and the log the state, in one statement.
    public func userState(externalID: String) throws(StoreError) -> UserState? {
        try run {
            let select = try hot(.latestStateByExternalID)
            try select.bindAll(externalID)
            defer { select.reset() }
            return try select.step() ? try Store.userState(from: select, at: 0) : nil
        }
    }

    /// The user's state at `version` (what a decision that names it used).
    public func userState(_ id: UserID, version: Int64) throws(StoreError) -> UserState? {
        try run {
            try connection.queryFirst(
                "SELECT \(Store.stateColumns) FROM audit_changes WHERE user_id = ? AND version = ?", id.rawValue, version
            ) { try Store.userState(from: $0, at: 0) }
        }
    }

    /// The identifier of the user with this (normalised) email address.
    public func userID(email: EmailAddress) throws(StoreError) -> UserID? {
        try run {
            let select = try hot(.userIDByEmail)
            try select.bindAll(email.normalized)
            defer { select.reset() }
            return try select.step() ? UserID(select.int64(0)) : nil
        }
    }

    /// Calls `body` with every state row after `seq`, in order (each user's latest comes last):
    /// the change feed a process that holds facts in memory reads, at start from 0 and then
    /// after the last row it has seen. Returns the last row's sequence number (`seq` when none).
    ///
    /// Only what rules read, what finds the user and their external id (nil when none) are
    /// decoded: no name.
    public func forEachState(
        after seq: Int64,
        _ body: (_ seq: Int64, _ user: UserID, _ version: Int64, _ email: EmailAddress, _ facts: Facts, _ externalID: String?) throws ->
            Void
    ) throws(StoreError) -> Int64 {
        try read {
            let select = try connection.prepare(
                """
                SELECT seq, user_id, version, email, profession, country, account, subscription, enrolments, external_id
                FROM audit_changes WHERE seq > ? ORDER BY seq
                """)
            try select.bindAll(seq)
            var last = seq
            var subscriptions: [String: Subscription] = [:]
            var countries: [String: CountryCode] = [:]
            while try select.step() {
                last = select.int64(0)
                let user = UserID(select.int64(1))
                guard let profession = Profession(rawValue: select.string(4) ?? "") else {
                    throw StoreError.Cause.invalid("audit_changes", "profession", select.string(4))
                }
                guard let account = AccountState(rawValue: select.string(6) ?? "") else {
                    throw StoreError.Cause.invalid("audit_changes", "account", select.string(6))
                }
                let plan = select.string(7) ?? ""
                guard let subscription = subscriptions[plan] ?? Subscription(plan) else {
                    throw StoreError.Cause.invalid("audit_changes", "subscription", plan)
                }
                subscriptions[plan] = subscription
                var country: CountryCode?
                if let code = select.string(5) {
                    country = countries[code] ?? CountryCode(code)
                    countries[code] = country
                }
                guard let enrolments = select.withBlob(8, { EnrolmentList.decode($0, user: user) }) else {
                    throw StoreError.Cause.invalid("audit_changes", "enrolments", "a list this build cannot read")
                }
                let facts = Facts(
                    account: account, profession: profession, country: country, subscription: subscription, enrolments: enrolments)
                try body(last, user, select.int64(2), EmailAddress(storedNormalized: select.string(3) ?? ""), facts, select.string(9))
            }
            return last
        }
    }

    /// Reads the state columns (`stateColumns`) starting at column `offset`.
    static func userState(from row: Statement, at offset: Int32) throws -> UserState {
        let id = UserID(row.int64(offset))
        let email: EmailAddress
        do { email = try EmailAddress(row.string(offset + 2) ?? "") } catch {
            throw StoreError.Cause.invalid("audit_changes", "email", row.string(offset + 2))
        }
        guard let profession = Profession(rawValue: row.string(offset + 4) ?? "") else {
            throw StoreError.Cause.invalid("audit_changes", "profession", row.string(offset + 4))
        }
        guard let account = AccountState(rawValue: row.string(offset + 6) ?? "") else {
            throw StoreError.Cause.invalid("audit_changes", "account", row.string(offset + 6))
        }
        guard let subscription = Subscription(row.string(offset + 7) ?? "") else {
            throw StoreError.Cause.invalid("audit_changes", "subscription", row.string(offset + 7))
        }
        var country: CountryCode?
        if let text = row.string(offset + 5) {
            guard let code = CountryCode(text) else { throw StoreError.Cause.invalid("audit_changes", "country", text) }
            country = code
        }
        guard let enrolments = EnrolmentList.decode(row.blob(offset + 10) ?? [], user: id) else {
            throw StoreError.Cause.invalid("audit_changes", "enrolments", "a list this build cannot read")
        }
        let user = User(
            id: id, email: email, name: row.string(offset + 3) ?? "", profession: profession, country: country, account: account,
            subscription: subscription, registeredAt: Instant(millisecondsSinceEpoch: row.int64(offset + 8)),
            externalID: row.string(offset + 9), externalRole: row.string(offset + 11))
        return UserState(user: user, enrolments: enrolments, version: row.int64(offset + 1))
    }

    // MARK: Changes

    /// Creates a user: the `users` row and the user's first state row (`user.created`, version 1).
    /// Nil when the email address or external id is already another user's. Call inside `write`.
    public func createUser(_ new: NewUser, _ context: ChangeContext) throws(StoreError) -> UserState? {
        try run {
            let insert = try hot(.insertUser)
            try insert.bind(new.email.normalized, at: 1)
            try insert.bind(new.name, at: 2)
            try insert.bind(new.profession.rawValue, at: 3)
            try insert.bind(new.country?.rawValue, at: 4)
            try insert.bind(new.account.rawValue, at: 5)
            try insert.bind(new.subscription.rawValue, at: 6)
            try insert.bind(new.registeredAt.millisecondsSinceEpoch, at: 7)
            try insert.bind(new.externalID, at: 8)
            try insert.bind(context.recordedAt.millisecondsSinceEpoch, at: 9)
            try insert.bind(new.externalRole, at: 10)
            _ = try insert.step()
            guard connection.changes == 1 else { return nil }
            let state = UserState(user: new.withID(UserID(connection.lastInsertRowID)), enrolments: [], version: 1)
            try appendState(.userCreated, state, context)
            return state
        }
    }

    /// Changes the user's attributes (not the email address) to those of `user`, from the
    /// latest state `previous`: the `users` row and a `user.updated` state row. Call inside `write`.
    ///
    /// Fails with `.duplicate` when the external id is another user's.
    public func updateUser(_ user: User, from previous: UserState, _ context: ChangeContext) throws(StoreError) -> UserState {
        try run {
            let update = try hot(.updateUser)
            try update.bind(user.name, at: 1)
            try update.bind(user.profession.rawValue, at: 2)
            try update.bind(user.country?.rawValue, at: 3)
            try update.bind(user.account.rawValue, at: 4)
            try update.bind(user.subscription.rawValue, at: 5)
            try update.bind(user.registeredAt.millisecondsSinceEpoch, at: 6)
            try update.bind(user.externalID, at: 7)
            try update.bind(context.recordedAt.millisecondsSinceEpoch, at: 8)
            try update.bind(user.id.rawValue, at: 9)
            try update.bind(user.externalRole, at: 10)
            _ = try update.step()
            var state = previous
            state.user = user
            state.user.email = previous.user.email
            state.version += 1
            try appendState(.userUpdated, state, context)
            return state
        }
    }

    /// Records an enrolment unless the user already has a current one in the package: the
    /// `enrolments` row and an `enrolment.added` state row. Call inside `write`.
    ///
    /// Enrolling twice is not an error: the second call changes nothing and says so. The latest
    /// state is read inside the transaction, and a unique partial index makes this hold between
    /// processes too. The enrolment's batch is the context's.
    ///
    /// `latest`, when given, is the user's latest state as the caller read it in this same write
    /// transaction (so that it is not read twice); otherwise it is read here.
    public func enrol(_ enrolment: Enrolment, _ context: ChangeContext, latest: UserState? = nil) throws(StoreError) -> EnrolmentInsert {
        try run {
            guard let previous = try latest ?? userState(enrolment.user) else {
                throw StoreError.Cause.noState(user: enrolment.user.rawValue, email: nil)
            }
            precondition(previous.user.id == enrolment.user, "the latest state given is another user's")
            if let existing = previous.currentEnrolment(in: enrolment.package) { return .alreadyEnrolled(existing) }
            var enrolment = enrolment
            enrolment.batch = context.batch
            let insert = try hot(.insertEnrolment)
            try insert.bindAll(
                enrolment.user.rawValue, enrolment.package.rawValue, enrolment.enrolledAt.millisecondsSinceEpoch,
                enrolment.source.rawValue, enrolment.forced, enrolment.batch, enrolment.accountState?.rawValue)
            _ = try insert.step()
            guard connection.changes == 1 else {
                // The table has a current enrolment that the log does not: an edit outside Admit.
                throw StoreError.Cause.enrolmentNotInLog(user: enrolment.user.rawValue, package: enrolment.package.rawValue)
            }
            try touch(enrolment.user, at: context.recordedAt)
            var state = previous
            state.enrolments.append(enrolment)
            state.version += 1
            try appendState(.enrolmentAdded, state, context)
            return .added(enrolment, state)
        }
    }

    /// Marks the user's current enrolment in `package` withdrawn at `at`, keeping it as history:
    /// the `enrolments` row and an `enrolment.withdrawn` state row. Returns the withdrawn
    /// enrolment and the state after it, or nil when there was none. Call inside `write`.
    public func withdraw(user: UserID, from package: PackageID, at: Instant, _ context: ChangeContext) throws(StoreError) -> (
        Enrolment, UserState
    )? {
        try run {
            guard var state = try userState(user),
                let index = state.enrolments.lastIndex(where: { $0.package == package && $0.withdrawnAt == nil })
            else { return nil }
            // Admit refuses an instant before the start; the table's CHECK refuses it here too.
            try connection.run(
                "UPDATE enrolments SET withdrawn_at = ? WHERE user_id = ? AND package_id = ? AND withdrawn_at IS NULL",
                at.millisecondsSinceEpoch, user.rawValue, package.rawValue)
            try touch(user, at: context.recordedAt)
            state.enrolments[index].withdrawnAt = at
            state.version += 1
            try appendState(.enrolmentWithdrawn, state, context)
            return (state.enrolments[index], state)
        }
    }

    /// Sets the user's `updated_at`, the instant of their latest state row, unless it has it already.
    private func touch(_ user: UserID, at instant: Instant) throws {
        let update = try hot(.touchUser)
        try update.bindAll(instant.millisecondsSinceEpoch, user.rawValue)
        _ = try update.step()
    }

    /// Appends a state row of `kind` for `state` to the chain. Call inside a write.
    ///
    /// `schema4` is for migration 4's step, which runs before `audit_changes` has the role
    /// column of migration 5: the row is written without it (the state has no role then).
    @discardableResult
    func appendState(_ kind: AuditKind, _ state: UserState, _ context: ChangeContext, schema4: Bool = false) throws -> Int64 {
        let head = try chainHead()
        let seq = head.seq + 1
        let actor = try textID(context.actor)
        let policy = try context.policyHash.map { try textID($0) }
        let user = state.user
        let enrolments = EnrolmentList.encode(state.enrolments)
        let hash = head.hash.withUnsafeBytes { previous in
            enrolments.withUnsafeBytes { list in
                withOptionalBytes(context.overrode) { overrode in
                    hasher.change(
                        previous: previous, seq: seq, recordedAt: context.recordedAt.millisecondsSinceEpoch, actor: context.actor,
                        kind: kind.changeNumber ?? 0, user: user.id.rawValue, version: state.version, batch: context.batch,
                        policy: context.policyHash, overrode: overrode, email: user.email.normalized, name: user.name,
                        profession: user.profession.rawValue, country: user.country?.rawValue, account: user.account.rawValue,
                        subscription: user.subscription.rawValue, registeredAt: user.registeredAt.millisecondsSinceEpoch,
                        externalID: user.externalID, enrolments: list, externalRole: schema4 ? nil : user.externalRole)
                }
            }
        }.bytes
        let insert = try schema4 ? connection.prepare(HotStatement.insertStateVersion4) : hot(.insertState)
        try insert.bind(seq, at: 1)
        try insert.bind(context.recordedAt.millisecondsSinceEpoch, at: 2)
        try insert.bind(actor, at: 3)
        try insert.bind(kind.changeNumber, at: 4)
        try insert.bind(user.id.rawValue, at: 5)
        try insert.bind(state.version, at: 6)
        try insert.bind(context.batch, at: 7)
        try insert.bind(policy, at: 8)
        try insert.bind(context.overrode, at: 9)
        try insert.bind(user.email.normalized, at: 10)
        try insert.bind(user.name, at: 11)
        try insert.bind(user.profession.rawValue, at: 12)
        try insert.bind(user.country?.rawValue, at: 13)
        try insert.bind(user.account.rawValue, at: 14)
        try insert.bind(user.subscription.rawValue, at: 15)
        try insert.bind(user.registeredAt.millisecondsSinceEpoch, at: 16)
        try insert.bind(user.externalID, at: 17)
        try insert.bind(enrolments, at: 18)
        try insert.bind(hash, at: 19)
        if !schema4 { try insert.bind(user.externalRole, at: 20) }
        _ = try insert.step()
        advanceChain(to: hash)
        return seq
    }

    // MARK: Migration 4

    /// Migration 4's step: the head's hash as a blob, then one `user.state` row per user with the
    /// state the `users` and `enrolments` tables hold.
    func startStateRows() throws {
        let old = try connection.queryFirst("SELECT seq, hash FROM audit_head_v1 WHERE id = 1") { ($0.int64(0), $0.string(1) ?? "") }
        let (seq, hexHash) = old ?? (0, LegacyAuditChain.genesis)
        guard let hash = bytes(hex: hexHash), hash.count == 32 else {
            throw StoreError.Cause.auditHeadMalformed(hexHash)
        }
        try connection.run("INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?)", seq, hash)
        try connection.execute("DROP TABLE audit_head_v1")
        let context = ChangeContext(recordedAt: .now, actor: "admit:migration-4")
        let users = try connection.prepare("SELECT \(Store.userColumnsVersion4) FROM users ORDER BY id")
        let enrolments = try connection.prepare(
            """
            SELECT user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id
            FROM enrolments WHERE user_id = ? ORDER BY enrolled_at, id
            """)
        while try users.step() {
            let user = try Store.user(from: users)
            try enrolments.bindAll(user.id.rawValue)
            let list = try enrolments.rows(Store.enrolment(from:))
            try appendState(.userState, UserState(user: user, enrolments: list, version: 1), context, schema4: true)
        }
    }
}

extension Instant {
    /// The system clock, to the millisecond (for the store's own rows: migrations).
    static var now: Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// Calls `body` with the bytes of `value`, or nil.
package func withOptionalBytes<R>(_ value: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let value else { return body(nil) }
    return value.withUnsafeBytes { body($0) }
}
