import AdmitDomain

/// What the audit reports (`audit enrolments`, `audit decisions`) need of a database. SQLite's
/// ``Store`` and PostgreSQL's storage implement it.
///
/// The reports find decisions by user and by lecture, and openings per user and package, in side
/// tables that the log's appends never touch: `refreshReportIndexes` brings them up to the end of
/// the log when a report asks.
public protocol ReportStore: AnyObject {
    /// How many log rows the side tables have not caught up with.
    func reportIndexBacklog() throws(StoreError) -> Int64
    /// Brings the side tables up to the end of the log; `progress` gets (rows read, rows to read).
    @discardableResult
    func refreshReportIndexes(progress: (Int64, Int64) -> Void) throws(StoreError) -> Int64
    /// Logged decisions matching `query`, newest first.
    func decisions(_ query: DecisionQuery) throws(StoreError) -> [AuditEntry]
    /// Calls `body` with every enrolment of the scope's package begun in its range, with its
    /// user's attributes and whether the user ever opened a lecture of the package, in user order.
    func forEachEnrolment(_ scope: EnrolmentScope, _ body: (EnrolmentValues) throws -> Void) throws(StoreError)
    /// Allowed openings of the package's lectures by users with no enrolment then (nor now), in
    /// the scope's range: how many, and the first `limit` (nil: all) by instant.
    func opensWithoutEnrolment(_ scope: EnrolmentScope, limit: Int?) throws(StoreError) -> (count: Int64, rows: [OpenWithoutEnrolment])
    /// The user with this id, as the `users` table holds it.
    func user(id: UserID) throws(StoreError) -> User?
    /// The user with this (normalised) address, as the `users` table holds it.
    func user(email: EmailAddress) throws(StoreError) -> User?
    /// The user's enrolments, oldest first.
    func enrolments(of user: UserID) throws(StoreError) -> [Enrolment]
    /// Calls `body` with every enrolment in `package`, withdrawn ones included, and its user, in
    /// user order (each user's enrolments oldest first): the OneRoster export.
    func forEachEnrolment(in package: PackageID, _ body: (User, Enrolment) throws -> Void) throws(StoreError)
}

/// What an enrolment report reads of one enrolment (``EnrolmentScan`` reads it in place on
/// SQLite; ``EnrolmentValues`` holds it as values).
public protocol EnrolmentRecord {
    var user: UserID { get }
    var enrolledAt: Instant { get }
    var forced: Bool { get }
    var isWithdrawn: Bool { get }
    var source: EnrolmentSource? { get }
    var accountState: AccountState? { get }
    var profession: Profession? { get }
    /// The country's two letters as one number (first << 8 | second); 0 when none.
    var countryBits: UInt16 { get }
    /// Whether the user opened a lecture of the package at some time.
    var opened: Bool { get }
    func withName<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
    func withEmail<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
    var row: EnrolmentReportRow { get }
}

extension EnrolmentScan: EnrolmentRecord {}

/// One enrolment of a report with its user's attributes, as values.
public struct EnrolmentValues: EnrolmentRecord, Sendable, Hashable {
    public var row: EnrolmentReportRow
    public var isWithdrawn: Bool
    public var profession: Profession?
    public var opened: Bool

    public init(row: EnrolmentReportRow, isWithdrawn: Bool, profession: Profession?, opened: Bool) {
        self.row = row
        self.isWithdrawn = isWithdrawn
        self.profession = profession
        self.opened = opened
    }

    public var user: UserID { row.user }
    public var enrolledAt: Instant { row.enrolledAt }
    public var forced: Bool { row.forced }
    public var source: EnrolmentSource? { row.source }
    public var accountState: AccountState? { row.accountState }
    public var countryBits: UInt16 {
        guard let country = row.country, country.utf8.count == 2 else { return 0 }
        let bytes = Array(country.utf8)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }
    public func withName<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var name = row.name
        return try name.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
    public func withEmail<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var email = row.email
        return try email.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

extension Store: ReportStore {
    public func reportIndexBacklog() throws(StoreError) -> Int64 { try auditIndexBacklog() }

    public func refreshReportIndexes(progress: (Int64, Int64) -> Void) throws(StoreError) -> Int64 {
        try refreshAuditIndexes(progress: progress)
    }

    /// (The enrolment report reads SQLite's rows in place, `scanEnrolments`; this is the same as values.)
    public func forEachEnrolment(_ scope: EnrolmentScope, _ body: (EnrolmentValues) throws -> Void) throws(StoreError) {
        try scanEnrolments(scope) { scan in
            try body(EnrolmentValues(row: scan.row, isWithdrawn: scan.isWithdrawn, profession: scan.profession, opened: scan.opened))
        }
    }
}
