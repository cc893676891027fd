import CSQLite

extension Connection {
    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` (or the given kind), then `COMMIT` if
    /// `body` returns, or `ROLLBACK` if `body` throws (the error is rethrown) or if `COMMIT` fails
    /// (the commit error is thrown; nothing is kept).
    ///
    /// Transactions do not nest: calling this while a transaction is open throws a misuse error
    /// (`cannot start a transaction within a transaction`) without touching the open transaction.
    /// Use ``savepoint(_:_:)`` for nested units of work.
    ///
    /// This is `throws` rather than `rethrows` because `BEGIN` and `COMMIT` can fail on their own.
    ///
    /// - Parameters:
    ///   - kind: ``TransactionKind/immediate`` by default: the write lock is taken at `BEGIN`
    ///     (waiting up to ``busyTimeout``), so the body's writes cannot fail with `SQLITE_BUSY`.
    ///   - body: The work; it must use this connection from the calling thread.
    /// - Returns: What `body` returned.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        let db = try database.open()
        guard sqlite3_get_autocommit(db) != 0 else {
            throw SQLiteError.misuse(
                "cannot start a transaction within a transaction; use savepoint() to nest", path: path,
                sql: kind.beginSQL)
        }
        try control(kind.beginSQL)
        let result: T
        do {
            result = try body()
        } catch {
            rollbackIfActive()
            throw error
        }
        do {
            try control("COMMIT")
        } catch {
            rollbackIfActive()
            throw error
        }
        return result
    }

    /// Runs `body` inside `SAVEPOINT name`: `RELEASE` on success, `ROLLBACK TO` + `RELEASE` when
    /// `body` throws (the error is rethrown). Savepoints nest, inside or outside a
    /// ``transaction(_:_:)``; outside one, the outermost savepoint starts a deferred transaction
    /// that its `RELEASE` commits.
    public func savepoint<T>(_ name: String = "savepoint", _ body: () throws -> T) throws -> T {
        let quoted = Self.quoteIdentifier(name)
        try control("SAVEPOINT " + quoted)
        let result: T
        do {
            result = try body()
        } catch {
            if let db = database.db, sqlite3_get_autocommit(db) == 0 {
                try? control("ROLLBACK TO " + quoted)
                try? control("RELEASE " + quoted)
            }
            throw error
        }
        do {
            try control("RELEASE " + quoted)
        } catch {
            if let db = database.db, sqlite3_get_autocommit(db) == 0 {
                try? control("ROLLBACK TO " + quoted)
                try? control("RELEASE " + quoted)
            }
            throw error
        }
        return result
    }

    /// Runs a transaction-control statement through the statement cache.
    private func control(_ sql: String) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.step()
    }

    /// Rolls back if a transaction is still open (SQLite may already have rolled back, e.g.
    /// after SQLITE_FULL); errors are ignored because the original error matters more.
    private func rollbackIfActive() {
        guard let db = database.db, sqlite3_get_autocommit(db) == 0 else { return }
        try? control("ROLLBACK")
    }

    /// `"name"` with embedded `"` doubled.
    static func quoteIdentifier(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            if character == "\"" { quoted += "\"\"" } else { quoted.append(character) }
        }
        return quoted + "\""
    }
}
