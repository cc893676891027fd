import CSQLite

/// The `sqlite3*` shared by a ``Connection`` and the ``Statement``s it prepared.
///
/// Statements keep a strong reference to it so they can build errors (path, busy timeout)
/// and see whether the connection was closed. Not thread-safe: it follows the
/// one-thread-at-a-time rule of ``Connection``.
final class DatabaseHandle {
    /// `nil` once closed. Exclusivity checking is disabled: a plain pointer load/store, never
    /// passed inout, on an object confined to one thread (read on every `Statement.step()`).
    @exclusivity(unchecked) private(set) var db: OpaquePointer?
    let path: String
    let busyTimeout: Duration

    init(db: OpaquePointer, path: String, busyTimeout: Duration) {
        self.db = db
        self.path = path
        self.busyTimeout = busyTimeout
    }

    deinit { close() }

    /// Closes with `sqlite3_close_v2`: statements still alive keep the C connection as a
    /// "zombie" until they are finalized (their `step` then throws `SQLITE_MISUSE`).
    func close() {
        guard let db else { return }
        self.db = nil
        sqlite3_close_v2(db)
    }

    /// The open `sqlite3*`, or a misuse error if the connection was closed.
    @inline(__always)
    func open(sql: String? = nil) throws(SQLiteError) -> OpaquePointer {
        guard let db else { throw closedError(sql: sql) }
        return db
    }

    func closedError(sql: String?) -> SQLiteError {
        .misuse("connection is closed", path: path, sql: sql)
    }

    // MARK: - Errors

    /// Builds the error for result code `rc` just returned by a call on `db`.
    /// Must be called before any other SQLite call on `db` (which would overwrite the message).
    func error(_ rc: Int32, db: OpaquePointer, sql: String?) -> SQLiteError {
        let message = sqlite3_errmsg(db).map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
        let rawOffset = Int(sqlite3_error_offset(db))
        let detail = SQLiteErrorDetail.detail(for: rc, db: db, busyTimeout: busyTimeout)
        return SQLiteError(
            code: rc, message: message, path: path, sql: sql,
            offset: rawOffset >= 0 && sql != nil ? rawOffset : nil, detail: detail)
    }

    /// The duration in whole milliseconds, clamped to `0...Int32.max`.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        if seconds >= Int64(Int32.max) / 1000 { return Int64(Int32.max) }
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
