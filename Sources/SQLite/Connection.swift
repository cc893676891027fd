import CSQLite

/// A connection to an SQLite database (`sqlite3*`).
///
/// ```swift
/// let db = try Connection(path: "/tmp/app.sqlite")            // creates the file if missing
/// try db.execute("CREATE TABLE IF NOT EXISTS t(a INTEGER, b TEXT)")
/// try db.transaction {
///     try db.run("INSERT INTO t(a, b) VALUES(?, ?)", 1, "one")
/// }
/// let names = try db.query("SELECT b FROM t WHERE a > ?", 0) { $0.string(0) ?? "" }
/// ```
///
/// On open it sets `PRAGMA foreign_keys=ON`; for file databases opened read-write also
/// `journal_mode=WAL` and `synchronous=NORMAL`. It reads the file header at open
/// (`PRAGMA schema_version`), so a file that is not a database (or is truncated) fails in
/// the initializer, not at some later query.
///
/// ## Threading
/// A connection is **not** thread-safe and is not `Sendable`: use it (and its statements) from
/// one thread or one actor only. It is opened with `SQLITE_OPEN_NOMUTEX` (SQLite's
/// "multi-thread" mode), which relies on exactly that rule. To use a database from several
/// tasks, own the connection in an actor (or open one connection per thread); with WAL, one
/// writer and several reader connections can work concurrently, and the busy timeout makes
/// writers wait for each other.
///
/// ## Lifetime
/// ``close()`` (or deinitialization) closes it with `sqlite3_close_v2`, after finalizing the
/// cached statements. Statements still referenced elsewhere throw `SQLITE_MISUSE` from
/// ``Statement/step()`` afterwards; the C connection is freed when the last one goes away.
public final class Connection {
    /// The path as given (`":memory:"` for an in-memory database).
    public let path: String
    /// The mode the connection was opened with.
    public let mode: OpenMode
    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    public let busyTimeout: Duration

    let database: DatabaseHandle
    // Exclusivity checking is disabled for the cache: the connection is confined to one thread
    // and no code path re-enters the connection while these are being accessed.
    @exclusivity(unchecked) private var cache: [String: Statement] = [:]
    /// The last statement returned by ``cached(_:)``, checked before hashing into `cache`.
    /// Comparing a string literal with itself is a pointer comparison, so a hot loop that asks
    /// for the same SQL text skips the dictionary's hashing.
    @exclusivity(unchecked) private var lastSQL = ""
    @exclusivity(unchecked) private var lastStatement: Statement?

    /// The maximum number of statements kept by ``cached(_:)``; when full, an arbitrary
    /// statement is evicted (it stays valid for whoever still holds it).
    public var statementCacheCapacity: Int = 256 {
        didSet { trimCache() }
    }

    /// Opens (and by default creates) the database at `path`.
    ///
    /// - Parameters:
    ///   - path: A file path, or `":memory:"` for a private in-memory database. Note that the
    ///     system SQLite is built with `SQLITE_USE_URI`, so a path starting with `file:` is a URI.
    ///   - mode: ``OpenMode/readWrite(create:)`` (default `create: true`) or ``OpenMode/readOnly``.
    ///   - busyTimeout: How long to wait for locks held by other connections (`sqlite3_busy_timeout`).
    /// - Throws: ``SQLiteError`` naming the path: for example `unable to open database file
    ///   (directory does not exist)`, `file is not a database`, `database disk image is malformed`.
    public init(
        path: String, mode: OpenMode = .readWrite(create: true), busyTimeout: Duration = .seconds(5)
    ) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let create: Bool
        switch mode {
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
            create = false
        case .readWrite(let shouldCreate):
            flags |= SQLITE_OPEN_READWRITE
            if shouldCreate { flags |= SQLITE_OPEN_CREATE }
            create = shouldCreate
        }

        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = Self.openError(rc, db: db, path: path, create: create, busyTimeout: busyTimeout)
            sqlite3_close_v2(db)
            throw error
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(DatabaseHandle.milliseconds(busyTimeout)))

        self.path = path
        self.mode = mode
        self.busyTimeout = busyTimeout
        self.database = DatabaseHandle(db: db, path: path, busyTimeout: busyTimeout)

        do {
            // Force a real read of the header so NOTADB / CORRUPT / CANTOPEN surface here.
            _ = try pragmaValue("PRAGMA schema_version")
            try executeOne("PRAGMA foreign_keys=ON")
            if isFileDatabase, mode != .readOnly {
                _ = try pragmaValue("PRAGMA journal_mode=WAL")
                try executeOne("PRAGMA synchronous=NORMAL")
            }
        } catch {
            close()
            if error.isCorrupt, isFileDatabase, error.detail == nil,
                let detail = SQLiteErrorDetail.truncationDetail(path: path)
            {
                throw SQLiteError(
                    code: error.extendedCode, message: error.message, path: path, sql: error.sql,
                    offset: error.offset, detail: detail)
            }
            throw error
        }
    }

    deinit {
        clearStatementCache()
        database.close()
    }

    /// Finalizes the cached statements and closes the connection (`sqlite3_close_v2`).
    /// Any open transaction is rolled back. Calling it again does nothing; every later call
    /// on the connection or its statements throws a misuse error (`connection is closed`).
    public func close() {
        clearStatementCache()
        database.close()
    }

    /// `true` until ``close()``.
    public var isOpen: Bool { database.db != nil }

    /// The raw `sqlite3*` (nil once closed), for calls this wrapper does not cover. Follow the
    /// connection's threading rule.
    public var handle: OpaquePointer? { database.db }

    /// `false` for `":memory:"` and `""` (temporary) databases.
    var isFileDatabase: Bool { !(path == ":memory:" || path.isEmpty) }

    /// `true` if the main database is read-only: opened with ``OpenMode/readOnly``, or opened
    /// read-write on a file the process may not write (SQLite then falls back to read-only).
    public var isReadOnly: Bool {
        guard let db = database.db else { return true }
        return sqlite3_db_readonly(db, "main") == 1
    }

    // MARK: - Statements

    /// Prepares a new, uncached statement for a single SQL statement.
    ///
    /// - Throws: ``SQLiteError`` for syntax errors, unknown tables, and so on; a misuse error
    ///   if `sql` holds no statement or more than one (use ``execute(_:)`` for scripts).
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try prepare(sql, flags: 0)
    }

    /// The cached prepared statement for `sql` (keyed by the exact text), preparing it on first use.
    ///
    /// The statement is reset before it is returned, so hot paths prepare once. Its bindings
    /// are **not** cleared (that would cost ~6% of a small INSERT): bind every parameter, or use
    /// `Statement.bindAll(_:)`, ``run(_:_:)`` or ``query(_:_:row:)``, which
    /// check that every parameter gets a value; call ``Statement/clearBindings()`` if you need NULLs.
    ///
    /// Do not keep using a cached statement after asking for the same SQL again (it is the same
    /// object and was just reset). While the statement is being iterated by
    /// ``Statement/rows(_:)`` / ``Statement/forEachRow(_:)`` / ``query(_:_:row:)``, a nested
    /// request for the same SQL gets a fresh uncached statement instead.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        let statement: Statement
        if let last = lastStatement, sql == lastSQL {
            statement = last
        } else if let found = cache[sql] {
            statement = found
            lastSQL = sql
            lastStatement = found
        } else {
            return try prepareCached(sql)
        }
        if statement.isIterating {
            return try prepare(sql, flags: 0)
        }
        statement.resetIfNeeded()
        return statement
    }

    private func prepareCached(_ sql: String) throws(SQLiteError) -> Statement {
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        guard statementCacheCapacity > 0 else { return statement }
        if cache.count >= statementCacheCapacity {
            trimCache(to: statementCacheCapacity - 1)
        }
        cache[sql] = statement
        lastSQL = sql
        lastStatement = statement
        return statement
    }

    /// Drops every cached statement (they stay valid for whoever still holds them).
    public func clearStatementCache() {
        cache.removeAll()
        lastSQL = ""
        lastStatement = nil
    }

    /// The number of statements currently cached.
    public var cachedStatementCount: Int { cache.count }

    private func trimCache(to limit: Int? = nil) {
        let target = limit ?? statementCacheCapacity
        while cache.count > target, let key = cache.keys.first {
            cache.removeValue(forKey: key)
        }
        if let last = lastStatement, cache[lastSQL] !== last {
            lastSQL = ""
            lastStatement = nil
        }
    }

    private func prepare(_ sql: String, flags: UInt32) throws(SQLiteError) -> Statement {
        let db = try database.open(sql: sql)
        var statement: OpaquePointer?
        var extraStatement = false
        var rc: Int32 = SQLITE_OK
        var failure: SQLiteError?
        var text = sql
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { start in
                var tail: UnsafePointer<CChar>?
                rc = sqlite3_prepare_v3(db, start, Int32(clamping: buffer.count), flags, &statement, &tail)
                if rc != SQLITE_OK {
                    failure = database.error(rc, db: db, sql: sql)
                    return
                }
                // SQLite ignores text after the first statement; refuse it unless it is only
                // whitespace, semicolons or comments.
                guard let tail else { return }
                let consumed = start.distance(to: tail)
                let remaining = buffer.count - consumed
                guard remaining > 0 else { return }
                let rest = UnsafeBufferPointer(start: base + consumed, count: remaining)
                if rest.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0x3B }) {
                    return
                }
                var next: OpaquePointer?
                let nextRC = sqlite3_prepare_v2(db, tail, Int32(clamping: remaining), &next, nil)
                if next != nil || nextRC != SQLITE_OK { extraStatement = true }
                sqlite3_finalize(next)
            }
        }
        if let failure { throw failure }
        guard let statement else {
            throw SQLiteError.misuse("no sql statement to prepare", path: path, sql: sql)
        }
        if extraStatement {
            sqlite3_finalize(statement)
            throw SQLiteError.misuse(
                "more than one sql statement given to prepare; use execute() for scripts", path: path, sql: sql)
        }
        return Statement(handle: statement, sql: sql, database: database)
    }

    // MARK: - Scripts

    /// Runs a script of zero or more `;`-separated statements (rows of `SELECT`s are discarded).
    /// Stops at the first error, which names the failing statement's SQL. Use bound parameters,
    /// not string interpolation, for data.
    public func execute(_ sql: String) throws(SQLiteError) {
        let db = try database.open(sql: sql)
        let failure: SQLiteError? = sql.withCString { base -> SQLiteError? in
            var cursor = base
            while true {
                // Skip leading whitespace so a failing statement's SQL (and offset) start at its text.
                while cursor.pointee == 0x20 || cursor.pointee == 0x0A || cursor.pointee == 0x0D || cursor.pointee == 0x09 {
                    cursor += 1
                }
                if cursor.pointee == 0 { break }
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, cursor, -1, &statement, &tail)
                if rc != SQLITE_OK {
                    return database.error(rc, db: db, sql: String(cString: cursor))
                }
                guard let statement else { break }  // only whitespace or comments left
                defer { sqlite3_finalize(statement) }
                var stepRC: Int32
                repeat { stepRC = sqlite3_step(statement) } while stepRC == SQLITE_ROW
                if stepRC != SQLITE_DONE {
                    let statementSQL = sqlite3_sql(statement).map { String(cString: $0) }
                    return database.error(stepRC, db: db, sql: statementSQL)
                }
                guard let tail else { break }
                cursor = tail
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Runs one statement to completion through an uncached statement.
    func executeOne(_ sql: String) throws(SQLiteError) {
        let statement = try prepare(sql, flags: 0)
        while try statement.step() {}
    }

    /// The first column of the first row of `sql` as text (nil if no row / NULL).
    func pragmaValue(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql, flags: 0)
        guard try statement.step() else { return nil }
        let value = statement.string(0)
        statement.reset()
        return value
    }

    // MARK: - Changes

    /// The rowid of the most recent successful `INSERT` on this connection (`sqlite3_last_insert_rowid`), 0 if none.
    public var lastInsertRowID: Int64 {
        guard let db = database.db else { return 0 }
        return sqlite3_last_insert_rowid(db)
    }

    /// Rows changed by the most recent `INSERT`/`UPDATE`/`DELETE` (`sqlite3_changes64`).
    public var changes: Int64 {
        guard let db = database.db else { return 0 }
        return sqlite3_changes64(db)
    }

    /// Rows changed since the connection was opened (`sqlite3_total_changes64`).
    public var totalChanges: Int64 {
        guard let db = database.db else { return 0 }
        return sqlite3_total_changes64(db)
    }

    /// `true` while a transaction is open (`sqlite3_get_autocommit` is 0).
    public var isInTransaction: Bool {
        guard let db = database.db else { return false }
        return sqlite3_get_autocommit(db) == 0
    }

    /// Makes the statements running on this connection stop with `SQLITE_INTERRUPT`
    /// (`sqlite3_interrupt`). SQLite allows this call from another thread, but `Connection` is not
    /// `Sendable`; to interrupt from elsewhere, call `sqlite3_interrupt` on ``handle``.
    public func interrupt() {
        if let db = database.db { sqlite3_interrupt(db) }
    }

    // MARK: - Open errors

    private static func openError(
        _ rc: Int32, db: OpaquePointer?, path: String, create: Bool, busyTimeout: Duration
    ) -> SQLiteError {
        let message =
            db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(rc))
        var detail: String?
        if rc & 0xFF == SQLITE_CANTOPEN {
            detail = SQLiteErrorDetail.cantOpenDetail(
                path: path, create: create, systemErrno: db.map { sqlite3_system_errno($0) } ?? 0)
        } else {
            detail = SQLiteErrorDetail.detail(for: rc, db: db, busyTimeout: busyTimeout)
        }
        return SQLiteError(code: rc, message: message, path: path, detail: detail)
    }
}

@available(*, unavailable, message: "a Connection must only be used from one thread at a time; own it in an actor")
extension Connection: Sendable {}
