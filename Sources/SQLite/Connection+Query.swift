extension Connection {
    /// Runs one statement (cached) with `bindings` bound to parameters `1...n`, stepping to the
    /// end and discarding rows. Read ``changes`` / ``lastInsertRowID`` afterwards.
    ///
    /// ```swift
    /// try db.run("UPDATE t SET b = ? WHERE a = ?", "new", 42)
    /// ```
    @inlinable
    public func run<each Value: Bindable>(_ sql: String, _ bindings: repeat each Value) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(repeat each bindings)
        while try statement.step() {}
    }

    /// Runs one query (cached) with `bindings` bound to parameters `1...n`, mapping every row
    /// through `row`, which reads the columns of the statement it is given (do not step it).
    ///
    /// ```swift
    /// let rows = try db.query("SELECT a, b FROM t WHERE a > ?", 10) { ($0.int64(0), $0.string(1)) }
    /// ```
    @inlinable
    public func query<T, each Value: Bindable>(
        _ sql: String, _ bindings: repeat each Value, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(repeat each bindings)
        return try statement.rows(row)
    }

    /// Like ``query(_:_:row:)`` but returns only the first row's mapping (or `nil` if there is
    /// no row); the statement is reset afterwards.
    @inlinable
    public func queryFirst<T, each Value: Bindable>(
        _ sql: String, _ bindings: repeat each Value, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(repeat each bindings)
        guard try statement.step() else { return nil }
        return try row(statement)
    }
}
