import CSQLite

/// A prepared statement (`sqlite3_stmt`).
///
/// Create one with ``Connection/prepare(_:)`` or take a cached one with ``Connection/cached(_:)``.
/// Bind parameters by 1-based index, call ``step()`` until it returns `false`, read columns
/// (0-based) while it returns `true`. When ``step()`` returns `false` the statement is reset
/// automatically; call ``reset()`` yourself only when you stop before the end.
///
/// ```swift
/// let insert = try db.cached("INSERT INTO t(a, b) VALUES(?, ?)")
/// try insert.bind(42, at: 1)
/// try insert.bind("text", at: 2)
/// try insert.step()      // false: done, and already reset for the next run
/// ```
///
/// Threading: like its ``Connection``, a statement must only be used from one thread at a
/// time, and only while no other thread uses the connection. It is therefore not `Sendable`.
///
/// A statement stepped part-way (it returned a row and was not stepped to the end) keeps a
/// read transaction open in autocommit mode; ``reset()`` it when you stop early.
/// The statement is finalized when the object is deallocated.
public final class Statement {
    /// The `sqlite3_stmt*`, for calls this wrapper does not cover.
    public let handle: OpaquePointer
    /// The SQL text this statement was prepared from.
    public let sql: String
    let database: DatabaseHandle
    // Exclusivity checking is disabled for these two flags: they are plain Bool stores/loads that
    // are never passed inout, and the statement is confined to one thread (it is not Sendable), so
    // no overlapping access can happen; the dynamic checks cost ~5% of a small INSERT.
    /// `true` after ``step()`` returned a row (or was called) until the statement is reset.
    @exclusivity(unchecked) @usableFromInline var needsReset = false
    /// `true` while ``rows(_:)`` / ``forEachRow(_:)`` iterate, so the cache does not hand it out again.
    @exclusivity(unchecked) @usableFromInline var isIterating = false

    init(handle: OpaquePointer, sql: String, database: DatabaseHandle) {
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit {
        // Safe even after the connection was closed with sqlite3_close_v2 (the zombie connection
        // is released when its last statement is finalized).
        sqlite3_finalize(handle)
    }

    // MARK: - Metadata

    /// The number of result columns.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The number of SQL parameters (the largest parameter index).
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// The name of result column `column` (0-based), as SQLite reports it (`AS` alias or column).
    public func columnName(_ column: Int32) -> String {
        guard let name = sqlite3_column_name(handle, column) else { return "" }
        return String(cString: name)
    }

    /// The 1-based index of the named parameter (`":name"`, `"@name"` or `"$name"`, prefix included),
    /// or `nil` if there is none.
    public func parameterIndex(_ name: String) -> Int32? {
        let index = sqlite3_bind_parameter_index(handle, name)
        return index == 0 ? nil : index
    }

    /// `true` if the statement does not write the database directly (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // MARK: - Binding (1-based parameter index)

    @inlinable @inline(__always)
    func check(_ rc: Int32) throws(SQLiteError) {
        if rc != SQLITE_OK { throw bindError(rc) }
    }

    @usableFromInline
    func bindError(_ rc: Int32) -> SQLiteError {
        let error = database.error(rc, db: sqlite3_db_handle(handle), sql: sql)
        guard rc == SQLITE_MISUSE, needsReset else { return error }
        return SQLiteError(
            code: error.extendedCode, message: error.message, path: error.path, sql: error.sql,
            detail: "the statement is part-way through its rows: reset() it before binding")
    }

    /// Binds a 64-bit integer to parameter `index` (1-based).
    @inlinable
    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds an integer to parameter `index` (1-based).
    @inlinable
    public func bind(_ value: Int, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    /// Binds a 32-bit integer to parameter `index` (1-based).
    @inlinable
    public func bind(_ value: Int32, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int(handle, index, value))
    }

    /// Binds a Boolean as the integer `1` or `0` to parameter `index` (1-based).
    @inlinable
    public func bind(_ value: Bool, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int(handle, index, value ? 1 : 0))
    }

    /// Binds a double to parameter `index` (1-based). SQLite stores NaN as NULL.
    @inlinable
    public func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds text to parameter `index` (1-based).
    ///
    /// The UTF-8 bytes are passed with their length and copied by SQLite (`SQLITE_TRANSIENT`),
    /// so embedded NUL characters and SQL metacharacters (`'`, `;`, `--`) are plain data.
    /// The empty string binds as empty text, not NULL.
    @inlinable
    public func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        // Native strings expose their UTF-8 without a copy; bridged/foreign ones are copied once.
        if let rc = value.utf8.withContiguousStorageIfAvailable({ bindText($0, at: index) }) {
            try check(rc)
        } else {
            var text = value
            try check(text.withUTF8 { bindText($0, at: index) })
        }
    }

    @inlinable @inline(__always)
    func bindText(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
        // A nil pointer would make SQLite bind NULL; "" must stay empty text.
        guard let base = buffer.baseAddress else {
            return csqlite_bind_text_transient(handle, index, "", 0)
        }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
            csqlite_bind_text_transient(handle, index, chars, UInt64(buffer.count))
        }
    }

    /// Binds a blob (copied by SQLite) to parameter `index` (1-based). An empty buffer binds an
    /// empty blob, not NULL.
    public func bind(_ value: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        let rc: Int32
        if let base = value.baseAddress, value.count > 0 {
            rc = csqlite_bind_blob_transient(handle, index, base, UInt64(value.count))
        } else {
            rc = sqlite3_bind_zeroblob(handle, index, 0)
        }
        try check(rc)
    }

    /// Binds a blob (copied by SQLite) to parameter `index` (1-based). `[]` binds an empty blob, not NULL.
    public func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
        let rc = value.withUnsafeBytes { buffer -> Int32 in
            if let base = buffer.baseAddress, buffer.count > 0 {
                return csqlite_bind_blob_transient(handle, index, base, UInt64(buffer.count))
            }
            return sqlite3_bind_zeroblob(handle, index, 0)
        }
        try check(rc)
    }

    /// Binds SQL NULL to parameter `index` (1-based).
    @inlinable
    public func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds `value`, or NULL when it is `nil`, to parameter `index` (1-based).
    @inlinable
    public func bind<Value: Bindable>(_ value: Value?, at index: Int32) throws(SQLiteError) {
        if let value {
            try value.bind(to: self, at: index)
        } else {
            try check(sqlite3_bind_null(handle, index))
        }
    }

    /// Binds an ``SQLiteValue`` to parameter `index` (1-based).
    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Binds `values` to parameters `1...n` in order.
    ///
    /// ```swift
    /// try stmt.bindAll(Int64(1), "name", Optional<Double>.none, true)
    /// ```
    ///
    /// - Throws: a misuse error if fewer values than ``parameterCount`` are given (so no parameter
    ///   keeps a value from a previous run), `SQLITE_RANGE` if more are given, or the error of a
    ///   failing bind.
    @inlinable
    public func bindAll<each Value: Bindable>(_ values: repeat each Value) throws(SQLiteError) {
        var index: Int32 = 1
        repeat try bindNext(each values, &index)
        if index - 1 != parameterCount { throw parameterCountError(given: Int(index - 1)) }
    }

    @inlinable @inline(__always)
    func bindNext<Value: Bindable>(_ value: Value, _ index: inout Int32) throws(SQLiteError) {
        try value.bind(to: self, at: index)
        index += 1
    }

    /// Binds `values` to parameters `1...n` in order.
    ///
    /// - Throws: a misuse error if `values.count` differs from ``parameterCount``, or the error
    ///   of a failing bind.
    public func bindAll(_ values: [SQLiteValue]) throws(SQLiteError) {
        if values.count != Int(parameterCount) { throw parameterCountError(given: values.count) }
        var index: Int32 = 1
        for value in values {
            try bind(value, at: index)
            index += 1
        }
    }

    @usableFromInline
    func parameterCountError(given: Int) -> SQLiteError {
        .misuse(
            "the statement has \(parameterCount) parameters but \(given) values were given",
            path: database.path, sql: sql)
    }

    /// Sets every parameter back to NULL (`sqlite3_clear_bindings`).
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Execution

    /// Runs the statement to its next row.
    ///
    /// - Returns: `true` if a row is available for the column readers; `false` when done, in which
    ///   case the statement has already been reset (bindings kept), so it can be re-bound and run
    ///   again without calling ``reset()``.
    /// - Throws: ``SQLiteError``; on error the statement is reset as well (bindings kept).
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        // After Connection.close() the C connection may linger as a zombie; never run on it.
        guard database.db != nil else { throw database.closedError(sql: sql) }
        needsReset = true
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE {
            sqlite3_reset(handle)
            needsReset = false
            return false
        }
        throw stepError(rc)
    }

    private func stepError(_ rc: Int32) -> SQLiteError {
        let error = database.error(rc, db: sqlite3_db_handle(handle), sql: sql)
        sqlite3_reset(handle)
        needsReset = false
        return error
    }

    /// Makes the statement ready to run again, keeping its bindings (`sqlite3_reset`).
    /// Releases any read transaction a part-way-stepped statement holds. The result code of a
    /// failed previous step, which `sqlite3_reset` repeats, was already thrown by ``step()``.
    public func reset() {
        sqlite3_reset(handle)
        needsReset = false
    }

    /// Resets only if stepped since the last reset (a statement whose ``step()`` returned `false`
    /// is already reset).
    @inlinable
    func resetIfNeeded() {
        if needsReset {
            sqlite3_reset(handle)
            needsReset = false
        }
    }

    /// Resets, then steps through every row, mapping each through `transform`, then resets again
    /// (also when `transform` or a step throws). Bindings are kept.
    ///
    /// `transform` receives this statement positioned on the row: read columns, do not step or reset it.
    @inlinable
    public func rows<T>(_ transform: (Statement) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow { statement in result.append(try transform(statement)) }
        return result
    }

    /// Resets, then calls `body` for each row, then resets again (also on error). Bindings are kept.
    ///
    /// `body` receives this statement positioned on the row: read columns, do not step or reset it.
    @inlinable
    public func forEachRow(_ body: (Statement) throws -> Void) throws {
        resetIfNeeded()
        isIterating = true
        defer {
            isIterating = false
            resetIfNeeded()
        }
        while try step() {
            try body(self)
        }
    }

    // MARK: - Column reads (0-based column index, valid after step() returned true)

    /// The column as a 64-bit integer (NULL reads as 0; text/real are converted by SQLite).
    @inline(__always)
    public func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The column as an `Int` (NULL reads as 0).
    @inline(__always)
    public func int(_ column: Int32) -> Int {
        Int(truncatingIfNeeded: sqlite3_column_int64(handle, column))
    }

    /// The column as a `Bool`: `false` for 0 or NULL, otherwise `true`.
    public func bool(_ column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }

    /// The column as a double (NULL reads as 0.0).
    @inline(__always)
    public func double(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// The column as text, or `nil` for NULL. Non-text values are converted by SQLite; bytes that
    /// are not valid UTF-8 are replaced with U+FFFD. Embedded NULs are preserved.
    /// Allocates only the returned string (none for strings of up to 15 UTF-8 bytes).
    public func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes, or `nil` for NULL. Text is returned as its UTF-8 bytes.
    /// Allocates only the returned array.
    public func blob(_ column: Int32) -> [UInt8]? {
        if sqlite3_column_type(handle, column) == SQLITE_NULL { return nil }
        let bytes = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let bytes, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Calls `body` with the column's bytes without copying (empty for NULL). The buffer is only
    /// valid inside `body`.
    public func withBlob<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let bytes = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? bytes : nil, count: count))
    }

    /// `true` if the column is SQL NULL.
    @inline(__always)
    public func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The column as an ``SQLiteValue`` with its storage class.
    public func value(_ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(string(column) ?? "")
        case SQLITE_BLOB: return .blob(blob(column) ?? [])
        default: return .null
        }
    }
}

@available(*, unavailable, message: "a Statement must only be used from one thread at a time, with its Connection")
extension Statement: Sendable {}
