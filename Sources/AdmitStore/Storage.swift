import AdmitDomain

/// What Admit's everyday use cases (check, when, enrol, unenrol, register, serve) need of a database.
/// SQLite's ``Store`` and PostgreSQL's `PostgresStorage` implement it; the use cases do not know
/// which one they have.
///
/// Every method that writes commits before it returns (or throws having written nothing), so an
/// answer given after it cannot be lost. Not thread-safe: one thread or task at a time.
public protocol Storage: AnyObject {
    /// Where the database is, for messages: a file path, or a URL with its password masked.
    var location: String { get }
    /// The chain this process appends to, when the log has several (PostgreSQL); nil on SQLite.
    var writerName: String? { get }

    /// True when the database has no catalog yet (new: seed it).
    func isUnseeded() throws(StoreError) -> Bool
    /// Writes the catalog and the seed users with their enrolments, in one transaction, unless
    /// another process seeded the database first. (The caller checks that no email address is
    /// given twice.)
    func seed(_ catalog: Catalog, users: [SeedEntry], _ context: ChangeContext) throws(StoreError)
    /// The packages and their lectures.
    func catalog() throws(StoreError) -> Catalog

    /// The files of a stored policy version; nil when the version is not stored.
    func policyFiles(hash: String) throws(StoreError) -> [StoredPolicyFile]?
    /// The policy version the log last names, if any.
    func latestPolicyHash() throws(StoreError) -> String?
    /// Stores a policy version with a `policy.loaded` event, unless it is stored already.
    /// Returns whether it was new.
    func commitPolicyVersion(hash: String, files: [StoredPolicyFile], event: EventRecord) throws(StoreError) -> Bool

    /// How many users there are.
    func userCount() throws(StoreError) -> Int
    /// The user's latest state in the audit log.
    func userState(_ id: UserID) throws(StoreError) -> UserState?
    /// The id of the user with this (normalised) email address.
    func userID(email: EmailAddress) throws(StoreError) -> UserID?
    /// Calls `body` with each state row committed after `position`, and advances `position` past
    /// them: in sequence order on SQLite; writer by writer on PostgreSQL, so an older version of a
    /// user may come after a newer one (keep the highest). Cheap when nothing changed.
    func forEachState(
        after position: inout FeedPosition,
        _ body: (_ user: UserID, _ version: Int64, _ email: EmailAddress, _ facts: Facts, _ externalID: String?) throws -> Void
    ) throws(StoreError)
    /// The user's state at `version` (the one a logged decision used); nil when the log has none.
    func userState(_ id: UserID, version: Int64) throws(StoreError) -> UserState?
    /// The states of these users at these versions (a listing of decisions), those the log has.
    func userStates(_ keys: [UserVersion]) throws(StoreError) -> [UserVersion: UserState]
    /// Row `seq` of the log (`audit replay`): of `writer`'s chain on PostgreSQL, where each writer
    /// numbers its own rows (nil: whichever chain has a decision with that number); SQLite has one
    /// chain and no writer names.
    func decisionRow(writer: String?, seq: Int64) throws(StoreError) -> DecisionLookup

    /// Notes in `position` that this connection's latest writes were decisions only, which
    /// change no user's state (so the next `forEachState` may skip reading).
    func decisionsOnlyWritten(_ position: inout FeedPosition)

    /// Records an enrolment unless the user has a current one in the package, with its state row,
    /// and commits. Of two processes enrolling one user at once, one records it and the other is
    /// told `.alreadyEnrolled`.
    func commitEnrolment(_ enrolment: Enrolment, _ context: ChangeContext) throws(StoreError) -> EnrolmentInsert
    /// Withdraws the user's current enrolment in `package` at `at`, with its state row, and
    /// commits. Nil when there was none.
    func commitWithdrawal(user: UserID, from package: PackageID, at: Instant, _ context: ChangeContext) throws(StoreError) -> Enrolment?
    /// Appends an event (a refused request, …) to the log and commits.
    func commitEvent(_ event: EventRecord) throws(StoreError)
    /// Appends decisions to the log and commits; returns their sequence numbers.
    func commitDecisions(_ decisions: [DecisionRecord]) throws(StoreError) -> [Int64]

    /// Records the start of a bulk import (an import batch, running) with its `import.started`
    /// event, whose `batch` is set to the new batch's id, and commits. Returns the id.
    func commitImportStart(fileName: String, sha256: String, event: EventRecord) throws(StoreError) -> Int64
    /// Records how an import ended, with its `import.finished` event, and commits.
    func commitImportEnd(_ batch: Int64, status: ImportBatch.Status, sha256: String, counts: String, event: EventRecord)
        throws(StoreError)
    /// Starts the writes of a bulk import by `actor` (see ``ImportWriter``); `batch` is nil for a dry run.
    func importWriter(batch: Int64?, actor: String) throws(StoreError) -> any ImportWriter

    /// Recomputes the audit log's chain(s), names the first row that breaks one, and compares the
    /// `users` and `enrolments` tables with every user's latest state in the log.
    func verifyAudit(progress: (Int64) -> Void) throws(StoreError) -> AuditVerification

    /// Closes the connection; the storage cannot be used afterwards.
    func close()
}

/// A seed user and the enrolments they start with.
public struct SeedEntry: Sendable {
    public var user: NewUser
    public var enrolments: [(package: PackageID, at: Instant, source: EnrolmentSource)]

    public init(user: NewUser, enrolments: [(package: PackageID, at: Instant, source: EnrolmentSource)]) {
        self.user = user
        self.enrolments = enrolments
    }
}

/// How far a reader of the state rows has got: the last sequence number read of each writer's
/// chain (SQLite has one chain, writer 0), and what the store needs to tell cheaply that
/// nothing was committed since.
public struct FeedPosition: Sendable, Hashable {
    public var seqs: [Int32: Int64] = [:]
    /// SQLite: `PRAGMA data_version` and the connection's change count when last read.
    var token: [Int64]?

    public init() {}
}

/// What ``Storage/decisionRow(writer:seq:)`` found.
public enum DecisionLookup: Sendable, Hashable {
    /// The decision, and the writer whose chain holds it (nil on SQLite).
    case decision(AuditEntry, writer: String?)
    /// The row is there, and is not a decision (a change of a user, an event): its kind.
    case notADecision(kind: String)
    /// No row has that number (in that writer's chain).
    case notFound
    /// No writer was named, and several writers' chains have a decision with that number.
    case inSeveralChains(writers: [String])
}

/// A user's state at one version: what a logged decision used.
public struct UserVersion: Sendable, Hashable {
    public var user: UserID
    public var version: Int64

    public init(user: UserID, version: Int64) {
        self.user = user
        self.version = version
    }
}

extension Storage {
    /// One lookup each (SQLite answers each in microseconds).
    public func userStates(_ keys: [UserVersion]) throws(StoreError) -> [UserVersion: UserState] {
        var states: [UserVersion: UserState] = [:]
        for key in Set(keys) {
            if let state = try userState(key.user, version: key.version) { states[key] = state }
        }
        return states
    }
}
