import AdmitDomain

/// The writes of one bulk import (`admit register`): what a registration needs of a store.
/// SQLite's ``ImportSession`` and PostgreSQL's import session implement it.
///
/// The caller opens a transaction with `begin()`, makes any number of calls, and ends it with
/// `commit(counts:)` or `rollback()`. Each change's state row goes to the audit log in the same
/// transaction, so a transaction's changes and their audit rows are committed together or not at
/// all. Each address may be applied once per import (a second row with it is a `duplicate`).
///
/// A store that answers faster when told the rows coming asks for `lookahead` rows at a time:
/// the caller reads that many (never past a commit), names their addresses and external ids to
/// `prepare`, then applies them one by one. Not thread-safe.
public protocol ImportWriter: AnyObject {
    /// The import batch the audit rows and enrolments name; nil in a dry run.
    var batch: Int64? { get }
    /// How many rows to read ahead and `prepare` at a time (1: the store gains nothing from it).
    var lookahead: Int { get }

    /// Takes note of the users the next rows name, by address and by external id, so that their
    /// rows need no round trip each (PostgreSQL reads and locks them in one statement).
    func prepare(emails: [EmailAddress], externalIDs: [String]) throws(StoreError)

    /// Opens a write transaction.
    func begin() throws(StoreError)
    /// Writes the batch's running counts (a JSON object) with what the transaction holds, and commits.
    func commit(counts: String?) throws(StoreError)
    /// Gives up everything since `begin()`.
    func rollback()
    /// Gives back what the session took (rolling back an open transaction); it cannot be used afterwards.
    func close()

    /// Creates the user `patch` names, or changes only its given attributes, or finds nothing to do.
    ///
    /// A new user gets `registeredAt` unless the patch gives one, and `account` `active`,
    /// `subscription` `none` and no country unless given. An address an earlier row of this
    /// session applied is a `duplicate`; `line` is what a later duplicate is told.
    func upsert(_ patch: UserPatch, line: Int, registeredAt: Instant, at now: Instant) throws(StoreError) -> UserUpsert
    /// Records an enrolment under this session's batch unless the user already has a current one;
    /// `enrolment.accountState` is the user's account state then. `latest` is the user's latest
    /// state when the caller has just read it in this transaction.
    func enrol(_ enrolment: Enrolment, at now: Instant, policyHash: String?, overrode: [UInt8]?, latest: UserState?) throws(StoreError)
        -> EnrolmentInsert
    /// Withdraws the user's current enrolment in `package` at `at` under this session's batch,
    /// keeping it as history; nil when there was none.
    func withdraw(user: UserID, from package: PackageID, at: Instant, now: Instant) throws(StoreError) -> (Enrolment, UserState)?
    /// The user whose external id is `externalID`.
    func userReference(externalID: String) throws(StoreError) -> UserReference?
    /// The latest state of the user whose external id is `externalID`, in the open transaction.
    func userState(externalID: String) throws(StoreError) -> UserState?
    /// Whether a row of this session created or claimed the user (an address it applied).
    func hasApplied(_ id: UserID) throws(StoreError) -> Bool
}
