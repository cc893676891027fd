import SQLite

/// A failure of the store, in one line that names the database and the cause.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the store failed.
    public enum Kind: Sendable, Hashable {
        /// Another connection held the write lock for longer than the busy timeout.
        case busy
        /// The file was written by a newer Admit (its schema version is higher than ours).
        case tooNew(version: Int, supported: Int)
        /// The file cannot be opened or read as a database (missing directory, not a database, …).
        case unusable
        /// A uniqueness rule was broken (e.g. an email address already registered).
        case duplicate
        /// Anything else SQLite reported.
        case other
    }

    public var kind: Kind
    /// The database file.
    public var path: String
    /// The cause, in words.
    public var message: String

    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    init(_ error: SQLiteError) {
        let kind: Kind
        if error.isBusy || error.isLocked {
            kind = .busy
        } else if error.isNotADatabase || error.isCorrupt || error.isCantOpen || error.isIOError {
            kind = .unusable
        } else if error.isUniqueConstraint || error.isPrimaryKeyConstraint {
            kind = .duplicate
        } else {
            kind = .other
        }
        self.init(kind: kind, path: error.path, message: error.cause)
    }

    /// `path: cause`.
    public var description: String { "\(path): \(message)" }
}
