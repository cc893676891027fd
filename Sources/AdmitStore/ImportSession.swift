import AdmitDomain
import SQLite

/// The writes of one bulk import, on prepared statements reused for every row.
///
/// The caller opens a transaction with `begin()`, makes any number of `upsert` and `enrol`
/// calls, and ends it with `commit()` or `rollback()`; a chunked import commits every few
/// thousand rows, an atomic one once at the end, a dry run never. Each change writes its state
/// row to the audit log in the same transaction (`Store.createUser` and the others), and the
/// chain's head is written at `commit()`, so a transaction's changes and their audit rows are
/// committed together or not at all.
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
public final class ImportSession: ImportWriter {
    /// The import batch the audit rows and enrolments name; nil in a dry run.
    public let batch: Int64?
    /// Who imports, recorded with every change.
    public let actor: String
    /// Rows are applied as they come: SQLite answers each lookup in microseconds.
    public var lookahead: Int { 1 }
    let store: Store
    private let connection: Connection
    private let insertClaim: Statement
    private let selectClaim: Statement
    private let deleteClaim: Statement
    /// The connection's own settings, given back by `close()`.
    private let restore: String
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

    init(store: Store, batch: Int64?, actor: String) throws {
        self.store = store
        self.batch = batch
        self.actor = actor
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

    public func prepare(emails: [EmailAddress], externalIDs: [String]) throws(StoreError) {}

    // MARK: Transactions

    /// `BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer.
    public func begin() throws(StoreError) {
        try store.run {
            try store.beginWrite()
            isOpen = true
        }
    }

    /// Writes the batch's running counts (a JSON object) and the audit head, then `COMMIT`.
    public func commit(counts: String?) throws(StoreError) {
        try store.run {
            if let batch, let counts {
                try connection.run("UPDATE import_batches SET counts = ? WHERE id = ?", counts, batch)
            }
            try store.commitWrite()
            isOpen = false
            committedRanges = createdRanges.count
        }
    }

    /// `ROLLBACK`: nothing since `begin()` is kept.
    public func rollback() {
        store.rollbackWrite()
        isOpen = false
        createdRanges.removeSubrange(committedRanges...)
    }

    // MARK: Rows

    /// Creates the user `patch` names, or changes only its given attributes, or finds nothing to do.
    ///
    /// A new user gets `registeredAt` unless the patch gives one, and `account` `active`,
    /// `subscription` `none` and no country unless given. An address an earlier row of this
    /// session applied is a `duplicate`; `line` is what a later duplicate is told. The user's
    /// state is read from the audit log, and every change writes its state row there.
    public func upsert(_ patch: UserPatch, line: Int, registeredAt: Instant, at now: Instant) throws(StoreError) -> UserUpsert {
        let context = ChangeContext(recordedAt: now, actor: actor, batch: batch)
        return try store.run {
            let complete = patch.isCompleteForNewUser
            var found: UserID?
            if complete, expectExisting { found = try store.userID(email: patch.email) }
            if complete, found == nil, let new = patch.newUser(registeredAt: registeredAt) {
                if let created = try store.createUser(new, context) {
                    noteCreated(created.user.id.rawValue)
                    expectExisting = false
                    return .created(created)
                }
                expectExisting = true
            }
            guard let id = try found ?? store.userID(email: patch.email) else {
                if !complete { return .incomplete(missing: patch.missingForNewUser) }
                guard let owner = try owner(ofExternalID: patch.externalID) else {
                    throw StoreError(.rowRefused(email: "\(patch.email)"), path: store.path)
                }
                return .externalIDTaken(by: owner)
            }
            if createdRanges.contains(where: { $0.contains(id.rawValue) }) { return .duplicate(firstLine: nil) }
            if let first = try claim(id, line: line) { return .duplicate(firstLine: first) }
            guard let existing = try store.userState(id) else {
                throw StoreError(.noState(user: id.rawValue, email: "\(patch.email)"), path: store.path)
            }
            let changed = patch.applied(to: existing.user)
            if changed == existing.user { return .unchanged(existing) }
            if let externalID = changed.externalID, externalID != existing.user.externalID,
                let owner = try owner(ofExternalID: externalID)
            {
                try unclaim(id)
                return .externalIDTaken(by: owner)
            }
            return .updated(before: existing, after: try store.updateUser(changed, from: existing, context))
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

    private func owner(ofExternalID externalID: String?) throws -> EmailAddress? {
        guard let externalID else { return nil }
        let select = try connection.cached("SELECT email FROM users WHERE external_id = ?")
        try select.bind(externalID, at: 1)
        defer { select.reset() }
        guard try select.step(), let email = select.string(0) else { return nil }
        return try? EmailAddress(email)
    }

    /// Records an enrolment under this session's batch unless the user already has a current
    /// one (see `Store.enrol`); `enrolment.accountState` is the user's account state then.
    /// `latest` is the user's latest state when the caller has just read it in this transaction.
    public func enrol(
        _ enrolment: Enrolment, at now: Instant, policyHash: String?, overrode: [UInt8]?, latest: UserState?
    ) throws(StoreError) -> EnrolmentInsert {
        try store.enrol(
            enrolment, ChangeContext(recordedAt: now, actor: actor, batch: batch, policyHash: policyHash, overrode: overrode),
            latest: latest)
    }

    /// Withdraws the user's current enrolment in `package` at `at` under this session's batch,
    /// keeping it as history (see `Store.withdraw`); nil when there was none.
    public func withdraw(user: UserID, from package: PackageID, at: Instant, now: Instant) throws(StoreError) -> (Enrolment, UserState)? {
        try store.withdraw(user: user, from: package, at: at, ChangeContext(recordedAt: now, actor: actor, batch: batch))
    }

    /// The user whose external id is `externalID` (the users table's partial unique index finds it).
    public func userReference(externalID: String) throws(StoreError) -> UserReference? {
        try store.run {
            let select = try store.hot(.userByExternalID)
            try select.bind(externalID, at: 1)
            defer { select.reset() }
            guard try select.step() else { return nil }
            return UserReference(id: UserID(select.int64(0)), email: EmailAddress(storedNormalized: select.string(1) ?? ""))
        }
    }

    /// The user's latest state, read in the open transaction.
    public func userState(_ id: UserID) throws(StoreError) -> UserState? {
        try store.userState(id)
    }

    /// The latest state of the user whose external id is `externalID`, read in the open
    /// transaction; nil when no user has it (or, outside Admit's own writes, when that user has
    /// no state row: `userReference(externalID:)` tells the two apart).
    public func userState(externalID: String) throws(StoreError) -> UserState? {
        try store.userState(externalID: externalID)
    }

    /// Whether a row of this session created or claimed the user (an address it applied).
    public func hasApplied(_ id: UserID) throws(StoreError) -> Bool {
        if createdRanges.contains(where: { $0.contains(id.rawValue) }) { return true }
        return try store.run {
            try selectClaim.bind(id.rawValue, at: 1)
            defer { selectClaim.reset() }
            return try selectClaim.step()
        }
    }

    /// Appends an event to the audit log in the open transaction; its `batch` is set to this session's.
    @discardableResult
    public func append(_ event: EventRecord) throws(StoreError) -> Int64 {
        var event = event
        event.batch = batch
        return try store.append(event)
    }
}
