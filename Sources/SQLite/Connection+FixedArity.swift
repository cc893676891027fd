// Fixed-arity overloads of `run`, `query` and `queryFirst` for 1...6 bindings (see
// Statement+FixedArity.swift for why): they are preferred over the parameter-pack versions and
// specialize completely in the caller.

extension Connection {
    /// ``run(_:_:)`` with 1 binding.
    @inlinable
    public func run<A: Bindable>(_ sql: String, _ v1: A) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 1 binding.
    @inlinable
    public func query<T, A: Bindable>(
        _ sql: String, _ v1: A, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 1 binding.
    @inlinable
    public func queryFirst<T, A: Bindable>(
        _ sql: String, _ v1: A, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1)
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    /// ``run(_:_:)`` with 2 bindings.
    @inlinable
    public func run<A: Bindable, B: Bindable>(_ sql: String, _ v1: A, _ v2: B) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 2 bindings.
    @inlinable
    public func query<T, A: Bindable, B: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1, v2)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 2 bindings.
    @inlinable
    public func queryFirst<T, A: Bindable, B: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2)
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    /// ``run(_:_:)`` with 3 bindings.
    @inlinable
    public func run<A: Bindable, B: Bindable, C: Bindable>(_ sql: String, _ v1: A, _ v2: B, _ v3: C) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 3 bindings.
    @inlinable
    public func query<T, A: Bindable, B: Bindable, C: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1, v2, v3)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 3 bindings.
    @inlinable
    public func queryFirst<T, A: Bindable, B: Bindable, C: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3)
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    /// ``run(_:_:)`` with 4 bindings.
    @inlinable
    public func run<A: Bindable, B: Bindable, C: Bindable, D: Bindable>(_ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D)
        throws(SQLiteError)
    {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 4 bindings.
    @inlinable
    public func query<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1, v2, v3, v4)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 4 bindings.
    @inlinable
    public func queryFirst<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4)
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    /// ``run(_:_:)`` with 5 bindings.
    @inlinable
    public func run<A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E
    ) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4, v5)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 5 bindings.
    @inlinable
    public func query<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1, v2, v3, v4, v5)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 5 bindings.
    @inlinable
    public func queryFirst<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4, v5)
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    /// ``run(_:_:)`` with 6 bindings.
    @inlinable
    public func run<A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable, F: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, _ v6: F
    ) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4, v5, v6)
        while try statement.step() {}
    }

    /// ``query(_:_:row:)`` with 6 bindings.
    @inlinable
    public func query<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable, F: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, _ v6: F, row: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cached(sql)
        try statement.bindAll(v1, v2, v3, v4, v5, v6)
        return try statement.rows(row)
    }

    /// ``queryFirst(_:_:row:)`` with 6 bindings.
    @inlinable
    public func queryFirst<T, A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable, F: Bindable>(
        _ sql: String, _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, _ v6: F, row: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cached(sql)
        defer { statement.resetIfNeeded() }
        try statement.bindAll(v1, v2, v3, v4, v5, v6)
        guard try statement.step() else { return nil }
        return try row(statement)
    }
}
