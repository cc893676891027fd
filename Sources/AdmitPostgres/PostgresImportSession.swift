import AdmitDomain
import AdmitStore

/// The writes of one bulk import on PostgreSQL (``ImportWriter``), without a round trip per row.
///
/// The registration reads `lookahead` rows ahead and names their addresses and external ids to
/// `prepare`, which reads those users' latest states in one statement and locks their `users`
/// rows until the transaction ends (so no other process changes them meanwhile; a replica's
/// enrolment of one of them waits for the commit; a dry run locks nothing). Rows are then applied in memory: the session
/// knows every user it read or changed in the transaction. Their `users` and `enrolments` rows
/// are written at the next `prepare` and at the commit, as multi-row statements; their state
/// rows are appended to the writer's chain at the commit, which locks the chain's head last, as
/// every other change does (a user's row, then the head), so the two never wait on each other in a
/// cycle. New users take ids reserved from the table's sequence a batch at a time.
///
/// Memory: the users of the open transaction (a chunk; the whole input with `--atomic`), and the
/// id and line of every user the import applied (to tell a later row with the same address that
/// it is a duplicate), about 40 bytes each.
final class PostgresImportSession: ImportWriter {
    let batch: Int64?
    let actor: String
    /// Rows read and locked per statement.
    var lookahead: Int { 500 }
    private let storage: PostgresStorage

    private var isOpen = false
    /// The latest state of every user this transaction read or changed, by id, and how to find them.
    private var states: [Int64: UserState] = [:]
    private var idByEmail: [String: Int64] = [:]
    private var idByExternalID: [String: Int64] = [:]
    /// Addresses and external ids this transaction looked for (found or not).
    private var askedEmails: Set<String> = []
    private var askedExternalIDs: Set<String> = []
    /// Users created in this transaction (their `users` row not yet written when in `pendingNew`).
    private var pendingNew: Set<Int64> = []
    /// Users whose `users` row is to be written (created or changed since the last write).
    private var pendingUsers: [Int64: Instant] = [:]
    /// Users given another external id since the last write (which the write lets go of first).
    private var movedExternalIDs: Set<Int64> = []
    private var pendingWithdrawals = ImportTables.Withdrawals()
    private var pendingEnrolments: [Enrolment] = []
    /// The index in `pendingEnrolments` of a user's current enrolment in a package, not yet written.
    private var openEnrolments: [EnrolmentKey: Int] = [:]
    /// The state rows of the transaction, in the order of the changes.
    private var chained: [ChainedState] = []
    /// Ids reserved for new users, the next one first.
    private var reserved: [Int64] = []
    private var nextReserved = 0
    /// The line of the row that applied each user: committed, and in the open transaction.
    private var applied: [Int64: Int] = [:]
    private var appliedNow: [Int64: Int] = [:]

    init(storage: PostgresStorage, batch: Int64?, actor: String) {
        self.storage = storage
        self.batch = batch
        self.actor = actor
    }

    // MARK: Transactions

    func begin() throws(StoreError) {
        try storage.beginTransaction()
        isOpen = true
    }

    func commit(counts: String?) throws(StoreError) {
        try writeTables()
        let rows = chained
        let batch = self.batch
        let writer = storage.writer
        // An atomic run commits every state row of its input at once: 30 s, and a second per 5,000 rows.
        let timeout = PostgresStorage.operationTimeout + .seconds(rows.count / 5_000)
        try storage.commitTransaction(timeout: timeout) {
            try await $0.commitImport(rows, batch: batch, counts: counts, writer: writer)
        }
        isOpen = false
        applied.merge(appliedNow) { first, _ in first }
        forgetTransaction()
    }

    func rollback() {
        if isOpen { storage.rollbackTransaction() }
        isOpen = false
        forgetTransaction()
    }

    func close() { rollback() }

    private func forgetTransaction() {
        states.removeAll()
        idByEmail.removeAll()
        idByExternalID.removeAll()
        askedEmails.removeAll()
        askedExternalIDs.removeAll()
        pendingNew.removeAll()
        pendingUsers.removeAll()
        movedExternalIDs.removeAll()
        pendingWithdrawals = .init()
        pendingEnrolments.removeAll()
        openEnrolments.removeAll()
        chained.removeAll()
        appliedNow.removeAll()
    }

    // MARK: Reading ahead

    func prepare(emails: [EmailAddress], externalIDs: [String]) throws(StoreError) {
        try writeTables()
        let wanted = emails.map(\.normalized)
        try load(emails: wanted, externalIDs: externalIDs, ids: [])
        // Enough ids for every address not found to be a new user.
        let unknown = Set(wanted.filter { idByEmail[$0] == nil }).count
        if reserved.count - nextReserved < unknown { try reserve(unknown) }
    }

    /// Reads and locks the users with these keys that the transaction has not looked for yet.
    private func load(emails: [String], externalIDs: [String], ids: [Int64]) throws(StoreError) {
        // Filtered one by one: `subtracting` walks the whole of the other set, which holds every
        // key of the transaction (the whole input in a dry or atomic run).
        let emails = Array(Set(emails.filter { !askedEmails.contains($0) }))
        let externalIDs = Array(Set(externalIDs.filter { !askedExternalIDs.contains($0) }))
        let ids = ids.filter { states[$0] == nil }
        guard !emails.isEmpty || !externalIDs.isEmpty || !ids.isEmpty else { return }
        // A dry run (no batch) writes nothing that stays, and locks nothing.
        let lock = batch != nil
        let found = try storage.run { try await $0.readUsers(emails: emails, externalIDs: externalIDs, ids: ids, lock: lock) }
        askedEmails.formUnion(emails)
        askedExternalIDs.formUnion(externalIDs)
        // A user this transaction changed is known better here than in the tables.
        for state in found where states[state.user.id.rawValue] == nil { remember(state) }
    }

    private func remember(_ state: UserState) {
        let id = state.user.id.rawValue
        states[id] = state
        idByEmail[state.user.email.normalized] = id
        askedEmails.insert(state.user.email.normalized)
        if let externalID = state.user.externalID {
            idByExternalID[externalID] = id
            askedExternalIDs.insert(externalID)
        }
    }

    private func reserve(_ count: Int) throws(StoreError) {
        let count = max(count, 16)
        let ids = try storage.run { try await $0.reserveUserIDs(count) }
        reserved.removeSubrange(0..<nextReserved)
        nextReserved = 0
        reserved.append(contentsOf: ids)
    }

    private func newID() throws(StoreError) -> Int64 {
        if nextReserved == reserved.count { try reserve(16) }
        defer { nextReserved += 1 }
        return reserved[nextReserved]
    }

    // MARK: Lookups

    private func state(email: EmailAddress) throws(StoreError) -> UserState? {
        let key = email.normalized
        if !askedEmails.contains(key) { try load(emails: [key], externalIDs: [], ids: []) }
        return idByEmail[key].flatMap { states[$0] }
    }

    private func state(externalID: String) throws(StoreError) -> UserState? {
        if !askedExternalIDs.contains(externalID) { try load(emails: [], externalIDs: [externalID], ids: []) }
        return idByExternalID[externalID].flatMap { states[$0] }
    }

    private func state(id: UserID) throws(StoreError) -> UserState? {
        if states[id.rawValue] == nil { try load(emails: [], externalIDs: [], ids: [id.rawValue]) }
        return states[id.rawValue]
    }

    func userReference(externalID: String) throws(StoreError) -> UserReference? {
        try state(externalID: externalID).map { UserReference(id: $0.user.id, email: $0.user.email) }
    }

    func userState(externalID: String) throws(StoreError) -> UserState? { try state(externalID: externalID) }

    func hasApplied(_ id: UserID) throws(StoreError) -> Bool { appliedNow[id.rawValue] != nil || applied[id.rawValue] != nil }

    private func firstLine(_ id: Int64) -> Int? { appliedNow[id] ?? applied[id] }

    // MARK: Changes

    func upsert(_ patch: UserPatch, line: Int, registeredAt: Instant, at now: Instant) throws(StoreError) -> UserUpsert {
        let context = ChangeContext(recordedAt: now, actor: actor, batch: batch)
        if let existing = try state(email: patch.email) {
            let id = existing.user.id.rawValue
            if let first = firstLine(id) { return .duplicate(firstLine: first) }
            let changed = patch.applied(to: existing.user)
            if changed != existing.user, let externalID = changed.externalID, externalID != existing.user.externalID,
                let owner = try state(externalID: externalID), owner.user.id != existing.user.id
            {
                return .externalIDTaken(by: owner.user.email)
            }
            appliedNow[id] = line
            if changed == existing.user { return .unchanged(existing) }
            var after = existing
            after.user = changed
            after.user.email = existing.user.email
            after.version += 1
            if existing.user.externalID != changed.externalID {
                if let old = existing.user.externalID { idByExternalID[old] = nil }
                movedExternalIDs.insert(id)
            }
            record(.userUpdated, after, context)
            return .updated(before: existing, after: after)
        }
        guard patch.isCompleteForNewUser, let new = patch.newUser(registeredAt: registeredAt) else {
            return .incomplete(missing: patch.missingForNewUser)
        }
        if let externalID = new.externalID, let owner = try state(externalID: externalID) {
            return .externalIDTaken(by: owner.user.email)
        }
        let state = UserState(user: new.withID(UserID(try newID())), enrolments: [], version: 1)
        let id = state.user.id.rawValue
        appliedNow[id] = line
        pendingNew.insert(id)
        record(.userCreated, state, context)
        return .created(state)
    }

    func enrol(_ enrolment: Enrolment, at now: Instant, policyHash: String?, overrode: [UInt8]?, latest: UserState?) throws(StoreError)
        -> EnrolmentInsert
    {
        // The session's own view first: it holds this transaction's changes.
        guard let previous = try state(id: enrolment.user) ?? latest else {
            throw StoreError(.noState(user: enrolment.user.rawValue, email: nil), path: storage.location)
        }
        if let existing = previous.currentEnrolment(in: enrolment.package) { return .alreadyEnrolled(existing) }
        var enrolment = enrolment
        enrolment.batch = batch
        var after = previous
        after.enrolments.append(enrolment)
        after.version += 1
        openEnrolments[EnrolmentKey(user: enrolment.user, package: enrolment.package)] = pendingEnrolments.count
        pendingEnrolments.append(enrolment)
        record(
            .enrolmentAdded, after, ChangeContext(recordedAt: now, actor: actor, batch: batch, policyHash: policyHash, overrode: overrode))
        return .added(enrolment, after)
    }

    func withdraw(user: UserID, from package: PackageID, at: Instant, now: Instant) throws(StoreError) -> (Enrolment, UserState)? {
        guard var state = try state(id: user),
            let index = state.enrolments.lastIndex(where: { $0.package == package && $0.withdrawnAt == nil })
        else { return nil }
        state.enrolments[index].withdrawnAt = at
        state.version += 1
        let key = EnrolmentKey(user: user, package: package)
        if let pending = openEnrolments.removeValue(forKey: key) {
            pendingEnrolments[pending].withdrawnAt = at
        } else {
            pendingWithdrawals.user.append(user.rawValue)
            pendingWithdrawals.package.append(package.rawValue)
            pendingWithdrawals.at.append(at.millisecondsSinceEpoch)
        }
        record(.enrolmentWithdrawn, state, ChangeContext(recordedAt: now, actor: actor, batch: batch))
        return (state.enrolments[index], state)
    }

    /// Takes `state` as the user's latest, to be written with a state row of `kind`.
    private func record(_ kind: AuditKind, _ state: UserState, _ context: ChangeContext) {
        remember(state)
        pendingUsers[state.user.id.rawValue] = context.recordedAt
        chained.append(ChainedState(kind: kind, state: state, context: context))
    }

    /// Writes the `users` and `enrolments` rows changed since the last write, in the open transaction.
    private func writeTables() throws(StoreError) {
        guard isOpen else { return }
        var tables = ImportTables()
        for (id, updatedAt) in pendingUsers.sorted(by: { $0.key < $1.key }) {
            guard let user = states[id]?.user else { continue }
            if pendingNew.contains(id) {
                tables.newUsers.append(user, updatedAt: updatedAt)
            } else {
                tables.changedUsers.append(user, updatedAt: updatedAt)
            }
        }
        tables.externalIDsChanged = movedExternalIDs.sorted()
        tables.withdrawals = pendingWithdrawals
        tables.enrolments = pendingEnrolments
        guard !tables.isEmpty else { return }
        let written = tables
        try storage.run { try await $0.writeImportTables(written) }
        pendingUsers.removeAll(keepingCapacity: true)
        movedExternalIDs.removeAll(keepingCapacity: true)
        pendingNew.removeAll(keepingCapacity: true)
        pendingWithdrawals = .init()
        pendingEnrolments.removeAll(keepingCapacity: true)
        openEnrolments.removeAll(keepingCapacity: true)
    }
}

/// A user's enrolment in a package.
private struct EnrolmentKey: Hashable {
    var user: UserID
    var package: PackageID
}
