import SQLite

/// A failure of the store: the database file and the cause, as values.
///
/// Every sentence is written once, in ``Cause/description``; throw sites pass values (a table, a
/// column, a version), never words. ``description`` is one line, `path: cause`.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, with the values that say it.
    public enum Cause: Error, Sendable, Hashable, CustomStringConvertible {
        /// Another connection held the write lock for longer than the busy timeout; SQLite's words.
        case busy(String)
        /// The file was written by a newer Admit (its schema version is higher than ours).
        case tooNew(version: Int, supported: Int)
        /// The file was asked to exist (it is not created) and does not.
        case noSuchFile
        /// The file's directory does not exist, so the database cannot be created.
        case noSuchDirectory(String)
        /// The file cannot be opened or read as a database (not a database, damaged, I/O); SQLite's words.
        case unusable(String)
        /// A uniqueness rule was broken (e.g. an email address already registered); SQLite's words.
        case duplicate(String)
        /// Anything else SQLite reported; its words.
        case sqlite(String)
        /// A value in the file that this build cannot read (edited by hand, or damaged).
        case invalidValue(table: String, column: String, value: String?)
        /// A package's stored time zone is not one this machine knows.
        case unknownZone(package: String, zone: String)
        /// The `audit_head` row, which the chain runs on from, is gone.
        case auditHeadMissing
        /// The `audit_head` row holds something that is not a hash.
        case auditHeadMalformed(String)
        /// A user has no state row in the audit log (every user is created with one).
        case noState(user: Int64, email: String?)
        /// The enrolments table holds a current enrolment that the audit log does not (an edit outside Admit).
        case enrolmentNotInLog(user: Int64, package: String)
        /// The users table refused a row that no other row explains.
        case rowRefused(email: String)
        /// A migration left a row whose foreign key points nowhere.
        case unresolvedForeignKey(String)
        /// An error from outside SQLite and the store, in its own words.
        case other(String)
        /// A database server's error, in words that name the server (PostgreSQL).
        case server(String)

        /// The cause, in one lowercase line.
        public var description: String {
            switch self {
            case .busy(let text), .unusable(let text), .duplicate(let text), .sqlite(let text), .other(let text), .server(let text): text
            case .tooNew(let version, let supported):
                "the database is at schema version \(version), written by a newer Admit; this one knows up to \(supported) and will not touch it"
            case .noSuchFile: "no such database file"
            case .noSuchDirectory(let directory): "cannot create the database: directory '\(directory)' does not exist"
            case .invalidValue(let table, let column, let value): "\(table).\(column) holds an invalid value '\(value ?? "NULL")'"
            case .unknownZone(let package, let zone): "package '\(package)' has an unknown time zone '\(zone)'"
            case .auditHeadMissing: "the audit head row is missing"
            case .auditHeadMalformed(let text): "audit_head holds a hash that is not 64 hex digits: '\(text)'"
            case .noState(let user, let email): "user \(user)\(email.map { " (\($0))" } ?? "") has no state in the audit log"
            case .enrolmentNotInLog(let user, let package):
                "the enrolments table holds a current enrolment of user \(user) in \(package) that the audit log does not; run `admit audit verify`"
            case .rowRefused(let email): "the users table refused the row for \(email)"
            case .unresolvedForeignKey(let problem): "a migration left a foreign key unresolved: \(problem)"
            }
        }
    }

    /// The broad class of a failure, for callers that act on it.
    public enum Kind: Sendable, Hashable {
        /// Another connection held the write lock for longer than the busy timeout.
        case busy
        /// The file was written by a newer Admit.
        case tooNew(version: Int, supported: Int)
        /// The file cannot be opened or read as a database (missing directory, not a database, …).
        case unusable
        /// A uniqueness rule was broken.
        case duplicate
        /// Anything else.
        case other
    }

    /// What went wrong.
    public var cause: Cause
    /// The database file.
    public var path: String

    /// The error `cause` of the database at `path`.
    public init(_ cause: Cause, path: String) {
        self.cause = cause
        self.path = path
    }

    init(_ error: SQLiteError) {
        let cause: Cause
        if error.isBusy || error.isLocked {
            cause = .busy(error.cause)
        } else if error.isNotADatabase || error.isCorrupt || error.isCantOpen || error.isIOError {
            cause = .unusable(error.cause)
        } else if error.isUniqueConstraint || error.isPrimaryKeyConstraint {
            cause = .duplicate(error.cause)
        } else {
            cause = .sqlite(error.cause)
        }
        self.init(cause, path: error.path)
    }

    /// The broad class of ``cause``.
    public var kind: Kind {
        switch cause {
        case .busy: .busy
        case .tooNew(let version, let supported): .tooNew(version: version, supported: supported)
        case .noSuchFile, .noSuchDirectory, .unusable: .unusable
        case .duplicate: .duplicate
        default: .other
        }
    }

    /// `path: cause`; a server's error alone (it names the server).
    public var description: String {
        if case .server = cause { return "\(cause)" }
        return "\(path): \(cause)"
    }
}
