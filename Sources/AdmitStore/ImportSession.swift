import AdmitDomain
import SQLite

/// The writes of one bulk import, on prepared statements reused for every row.
///
/// The caller opens a transaction with `begin()`, makes any number of `claim`, `upsert`,
/// `enrol` and `append` calls, and ends it with `commit()` or `rollback()`; a chunked import
/// commits every few thousand rows, an atomic one once at the end, a dry run never. Audit rows
/// are chained in memory during a transaction and the head is written at `commit()`, so a
/// transaction's changes and their audit rows are committed together or not at all.
///
/// Each address may be applied once per import. A user the session created is recognised by
/// its id (the session keeps the ranges of ids it created, which are consecutive within a
/// transaction because nothing else writes meanwhile); an existing user it found is claimed by
/// id, with the row's line, in a temporary table of this connection, on disk rather than in
/// memory, so memory stays flat whatever the number of rows. Fresh imports never touch that
/// table, and a re-run of a file claims ids in nearly ascending order, which is cheap.
///
/// Use one session at a time per store, and no other write on the store while a session's
/// transaction is open.
public final class ImportSession {
    /// The import batch the audit rows and enrolments name; nil in a dry run.
    public let batch: Int64?
    let store: Store
    private let connection: Connection
    private let insertUser: Statement
    private let selectUser: Statement
    private let updateUser: Statement
    private let selectExternalID: Statement
    private let insertClaim: Statement
    private let selectClaim: Statement
    private let deleteClaim: Statement
    /// The connection's own settings, given back by `close()`.
    private let restore: String
    /// The audit chain of the open transaction.
    private var audit: AuditAppender?
    private var isOpen = false
    /// The ids of the users this session created, as ranges; `committedRanges` of them are committed.
    private var createdRanges: [ClosedRange<Int64>] = []
    private var committedRanges = 0
    /// Whether the last complete row named an existing user: then the next one is looked up
    /// before an insert is tried (a re-run finds every user; a fresh import finds none).
    private var expectExisting = false

    /// SQLite's page cache for the import, in KiB (negative, as `PRAGMA cache_size` takes it):
    /// large enough for the email index of about a million users, small enough for memory to stay
    /// well under 100 MB.
    static let mainCacheKiB = -40_960
    static let claimsCacheKiB = -8_192
    /// WAL pages between automatic checkpoints during the import (SQLite's default is 1,000):
    /// fewer checkpoints, each one larger, over a file that is written sequentially anyway.
    static let checkpointPages = 16_384

    init(store: Store, batch: Int64?) throws {
        self.store = store
        self.batch = batch
        let connection = store.connection
        self.connection = connection
        func pragma(_ name: String) throws -> Int64 { try connection.queryFirst("PRAGMA \(name)") { $0.int64(0) } ?? 0 }
        // A service checkpoints on a thread of its own (autocheckpoint 0): leave that as it is.
        let autocheckpoint = try pragma("wal_autocheckpoint")
        restore = """
            PRAGMA main.cache_size = \(try pragma("main.cache_size")); PRAGMA temp.cache_size = \(try pragma("temp.cache_size"));
            PRAGMA wal_autocheckpoint = \(autocheckpoint);
            """
        try connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS import_claims(user_id INTEGER PRIMARY KEY, line INTEGER NOT NULL);
            DELETE FROM temp.import_claims;
            PRAGMA main.cache_size = \(Self.mainCacheKiB);
            PRAGMA temp.cache_size = \(Self.claimsCacheKiB);
            PRAGMA wal_autocheckpoint = \(autocheckpoint == 0 ? 0 : Self.checkpointPages);
            """)
        // OR IGNORE rather than ON CONFLICT DO NOTHING: the values are validated before they are
        // bound, so only a taken address or external id can stop the row, and a statement that
        // cannot abort needs no statement journal (a third of the cost of the insert).
        insertUser = try connection.prepare(
            """
            INSERT OR IGNORE INTO users(email, name, profession, country, account, subscription, registered_at, external_id, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        selectUser = try connection.prepare("SELECT \(Store.userColumns) FROM users WHERE email = ?")
        updateUser = try connection.prepare(
            """
            UPDATE users SET name = ?, profession = ?, country = ?, account = ?, subscription = ?, registered_at = ?,
                external_id = ?, updated_at = ?
            WHERE id = ?
            """)
        selectExternalID = try connection.prepare("SELECT email FROM users WHERE external_id = ?")
        insertClaim = try connection.prepare("INSERT OR IGNORE INTO temp.import_claims(user_id, line) VALUES (?, ?)")
        selectClaim = try connection.prepare("SELECT line FROM temp.import_claims WHERE user_id = ?")
        deleteClaim = try connection.prepare("DELETE FROM temp.import_claims WHERE user_id = ?")
    }

    /// Empties the claims and gives the connection its own cache and checkpoint settings back;
    /// the session cannot be used afterwards.
    public func close() {
        if isOpen { rollback() }
        try? connection.execute("DELETE FROM temp.import_claims; " + restore)
    }

    // MARK: Transactions

    /// `BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer; reads the audit head.
    public func begin() throws(StoreError) {
        try store.run {
            try connection.execute("BEGIN IMMEDIATE")
            isOpen = true
            audit = try AuditAppender(store: store)
        }
    }

    /// Writes the audit head and the batch's running counts (a JSON object), then `COMMIT`.
    public func commit(counts: String?) throws(StoreError) {
        try store.run {
            try audit?.finish()
            audit = nil
            if let batch, let counts {
                try connection.run("UPDATE import_batches SET counts = ? WHERE id = ?", counts, batch)
            }
            try connection.execute("COMMIT")
            isOpen = false
            committedRanges = createdRanges.count
        }
    }

    /// `ROLLBACK`: nothing since `begin()` is kept.
    public func rollback() {
        if connection.isInTransaction { try? connection.execute("ROLLBACK") }
        isOpen = false
        audit = nil
        createdRanges.removeSubrange(committedRanges...)
    }

    // MARK: Rows

    /// Creates the user `patch` names, or changes only its given attributes, or finds nothing to do.
    ///
    /// A new user gets `registeredAt` unless the patch gives one, and `account` `active`,
    /// `subscription` `none` and no country unless given. An address an earlier row of this
    /// session applied is a `duplicate`; `line` is what a later duplicate is told.
    public func upsert(_ patch: UserPatch, line: Int, registeredAt: Instant, at now: Instant) throws(StoreError) -> UserUpsert {
        try store.run {
            let complete = patch.isCompleteForNewUser
            var found: User?
            if complete, expectExisting { found = try user(patch.email) }
            if complete, found == nil {
                if let created = try insert(patch, registeredAt: registeredAt, at: now) {
                    noteCreated(created.id.rawValue)
                    expectExisting = false
                    return .created(created)
                }
                expectExisting = true
            }
            guard let existing = try found ?? user(patch.email) else {
                if !complete { return .incomplete(missing: patch.missingForNewUser) }
                guard let owner = try owner(ofExternalID: patch.externalID) else {
                    throw StoreError(kind: .other, path: store.path, message: "the users table refused the row for \(patch.email)")
                }
                return .externalIDTaken(by: owner)
            }
            if createdRanges.contains(where: { $0.contains(existing.id.rawValue) }) { return .duplicate(firstLine: nil) }
            if let first = try claim(existing.id, line: line) { return .duplicate(firstLine: first) }
            let changed = patch.applied(to: existing)
            if changed == existing { return .unchanged(existing) }
            do {
                try update(changed, at: now)
            } catch let error as SQLiteError where error.isUniqueConstraint {
                try unclaim(existing.id)
                return .externalIDTaken(by: try owner(ofExternalID: patch.externalID))
            }
            return .updated(before: existing, after: changed)
        }
    }

    private func noteCreated(_ id: Int64) {
        if let last = createdRanges.last, last.upperBound + 1 == id, createdRanges.count > committedRanges {
            createdRanges[createdRanges.count - 1] = last.lowerBound...id
        } else {
            createdRanges.append(id...id)
        }
    }

    /// Claims the user for the row on `line`: nil when this session had not claimed it, else the first line.
    private func claim(_ user: UserID, line: Int) throws -> Int? {
        try insertClaim.bind(user.rawValue, at: 1)
        try insertClaim.bind(Int64(line), at: 2)
        _ = try insertClaim.step()
        if connection.changes == 1 { return nil }
        try selectClaim.bind(user.rawValue, at: 1)
        defer { selectClaim.reset() }
        return try selectClaim.step() ? Int(selectClaim.int64(0)) : nil
    }

    private func unclaim(_ user: UserID) throws {
        try deleteClaim.bind(user.rawValue, at: 1)
        _ = try deleteClaim.step()
    }

    /// Inserts the user unless the address or external id is taken; nil when it was.
    private func insert(_ patch: UserPatch, registeredAt: Instant, at now: Instant) throws -> User? {
        guard let user = patch.newUser(registeredAt: registeredAt) else { return nil }
        try insertUser.bind(user.email.normalized, at: 1)
        try insertUser.bind(user.name, at: 2)
        try insertUser.bind(user.profession.rawValue, at: 3)
        try insertUser.bind(user.country?.rawValue, at: 4)
        try insertUser.bind(user.account.rawValue, at: 5)
        try insertUser.bind(user.subscription.rawValue, at: 6)
        try insertUser.bind(user.registeredAt.millisecondsSinceEpoch, at: 7)
        try insertUser.bind(user.externalID, at: 8)
        try insertUser.bind(now.millisecondsSinceEpoch, at: 9)
        _ = try insertUser.step()
        guard connection.changes == 1 else { return nil }
        return user.withID(UserID(connection.lastInsertRowID))
    }

    private func user(_ email: EmailAddress) throws -> User? {
        try selectUser.bind(email.normalized, at: 1)
        defer { selectUser.reset() }
        return try selectUser.step() ? try Store.user(from: selectUser) : nil
    }

    private func update(_ user: User, at now: Instant) throws {
        try updateUser.bind(user.name, at: 1)
        try updateUser.bind(user.profession.rawValue, at: 2)
        try updateUser.bind(user.country?.rawValue, at: 3)
        try updateUser.bind(user.account.rawValue, at: 4)
        try updateUser.bind(user.subscription.rawValue, at: 5)
        try updateUser.bind(user.registeredAt.millisecondsSinceEpoch, at: 6)
        try updateUser.bind(user.externalID, at: 7)
        try updateUser.bind(now.millisecondsSinceEpoch, at: 8)
        try updateUser.bind(user.id.rawValue, at: 9)
        _ = try updateUser.step()
    }

    private func owner(ofExternalID externalID: String?) throws -> EmailAddress? {
        guard let externalID else { return nil }
        try selectExternalID.bind(externalID, at: 1)
        defer { selectExternalID.reset() }
        guard try selectExternalID.step(), let email = selectExternalID.string(0) else { return nil }
        return try? EmailAddress(email)
    }

    /// All of a user's enrolments, withdrawn ones included.
    public func enrolments(of user: UserID) throws(StoreError) -> [Enrolment] {
        try store.enrolments(of: user)
    }

    /// Records an enrolment under this session's batch unless the user already has a current one;
    /// `accountState` is the user's account state then (see `Store.enrol`).
    public func enrol(_ enrolment: Enrolment, accountState: AccountState?) throws(StoreError) -> EnrolmentInsert {
        try store.enrol(enrolment, accountState: accountState, batch: batch)
    }

    // MARK: Audit

    /// Appends `record` to the audit log in the open transaction; its `batch` is set to this session's.
    @discardableResult
    public func append(_ record: AuditRecord) throws(StoreError) -> Int64 {
        var record = record
        record.batch = batch
        return try store.run {
            guard var chain = audit else { throw StoreError(kind: .other, path: store.path, message: "no import transaction is open") }
            defer { audit = chain }
            return try chain.append(record)
        }
    }
}
