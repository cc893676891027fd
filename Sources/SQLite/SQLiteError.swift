import CSQLite

/// An error reported by SQLite (or by this wrapper when the API is misused).
///
/// It carries the primary and extended result codes, SQLite's own message, the
/// database path and, where there was one, the SQL that failed.
///
/// ``description`` is a single lowercase-style line of the form `"<path>: <cause>"`,
/// for example:
///
/// - `/tmp/x.sqlite: file is not a database`
/// - `/tmp/x.sqlite: database is busy (another connection or process holds the write lock; waited 5.0 s)`
/// - `/nonexistent/dir/x.sqlite: unable to open database file (directory does not exist)`
/// - `/tmp/ro.sqlite: attempt to write a readonly database`
///
/// SQLite's own message text is kept verbatim inside the cause (it can contain identifiers such as
/// `UNIQUE constraint failed: users.email`). The SQL is not part of ``description``; it is
/// in ``sql`` and in ``debugDescription``.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, ...): the low 8 bits of ``extendedCode``.
    public let code: Int32
    /// The extended result code (see ``ExtendedResultCode``).
    public let extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`), or the wrapper's message for misuse errors.
    public let message: String
    /// The database path as given to ``Connection/init(path:mode:busyTimeout:)``.
    public let path: String
    /// The SQL being prepared or run when the error happened, if any.
    public let sql: String?
    /// The byte offset into ``sql`` that SQLite blames (`sqlite3_error_offset`), if it gave one.
    public let offset: Int?
    /// Extra context added by the wrapper (shown in parentheses after the message), if any.
    public let detail: String?

    /// Creates an error. Normally errors are created by the wrapper; this is public so that
    /// callers can build errors in tests.
    public init(
        code: Int32, extendedCode: Int32? = nil, message: String, path: String,
        sql: String? = nil, offset: Int? = nil, detail: String? = nil
    ) {
        let extended = extendedCode ?? code
        self.code = extended & 0xFF
        self.extendedCode = extended
        self.message = message
        self.path = path
        self.sql = sql
        self.offset = offset
        self.detail = detail
    }

    /// The cause part of ``description`` (everything after `"<path>: "`), on one line.
    public var cause: String {
        var text: String
        if code == SQLITE_BUSY {
            text = "database is busy"
        } else {
            text = message
        }
        if let detail, !detail.isEmpty {
            text += " (\(detail))"
        }
        return Self.oneLine(text)
    }

    /// One line: `"<path>: <cause>"`.
    public var description: String {
        let shownPath = path.isEmpty ? "temporary database" : path
        return Self.oneLine(shownPath) + ": " + cause
    }

    /// ``description`` plus the result codes and the SQL.
    public var debugDescription: String {
        var text = description + " [code \(code), extended \(extendedCode)"
        if let sql {
            text += ", sql: " + Self.oneLine(sql)
            if let offset { text += ", at byte \(offset)" }
        }
        return text + "]"
    }

    // MARK: - Classification

    /// `SQLITE_BUSY` (any extended variant): another connection holds a conflicting lock.
    public var isBusy: Bool { code == SQLITE_BUSY }
    /// `SQLITE_LOCKED`: a conflict inside this connection (or a shared cache).
    public var isLocked: Bool { code == SQLITE_LOCKED }
    /// `SQLITE_CONSTRAINT` (any extended variant).
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }
    /// A `UNIQUE` constraint failed.
    public var isUniqueConstraint: Bool { extendedCode == ExtendedResultCode.constraintUnique }
    /// A `PRIMARY KEY` constraint failed.
    public var isPrimaryKeyConstraint: Bool { extendedCode == ExtendedResultCode.constraintPrimarykey }
    /// A `FOREIGN KEY` constraint failed.
    public var isForeignKeyConstraint: Bool { extendedCode == ExtendedResultCode.constraintForeignkey }
    /// A `NOT NULL` constraint failed.
    public var isNotNullConstraint: Bool { extendedCode == ExtendedResultCode.constraintNotnull }
    /// A `CHECK` constraint failed.
    public var isCheckConstraint: Bool { extendedCode == ExtendedResultCode.constraintCheck }
    /// `SQLITE_READONLY`: attempt to write a read-only database.
    public var isReadOnly: Bool { code == SQLITE_READONLY }
    /// `SQLITE_NOTADB`: the file is not an SQLite database.
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
    /// `SQLITE_CORRUPT`: the database file is malformed (for example truncated).
    public var isCorrupt: Bool { code == SQLITE_CORRUPT }
    /// `SQLITE_CANTOPEN`: the file could not be opened.
    public var isCantOpen: Bool { code == SQLITE_CANTOPEN }
    /// `SQLITE_IOERR` (any extended variant).
    public var isIOError: Bool { code == SQLITE_IOERR }
    /// `SQLITE_INTERRUPT`: the operation was interrupted.
    public var isInterrupted: Bool { code == SQLITE_INTERRUPT }
    /// `SQLITE_MISUSE`: the API was used incorrectly (closed connection, nested transaction, ...).
    public var isMisuse: Bool { code == SQLITE_MISUSE }
    /// `SQLITE_RANGE`: a parameter index out of range.
    public var isRange: Bool { code == SQLITE_RANGE }

    // MARK: - Helpers

    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\0" {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = scalar == " "
            }
        }
        return result
    }

    /// A wrapper-side misuse error (`SQLITE_MISUSE`).
    static func misuse(_ message: String, path: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: message, path: path, sql: sql)
    }
}
