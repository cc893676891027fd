// Fixed-arity overloads of `Statement.bindAll(_:)` for 1...6 values.
//
// Swift 6.3 does not fully specialize iteration over a parameter pack: the pack version calls
// every value's `bind` through witness tables (about 10% of a small INSERT). These plain
// generic overloads specialize completely, and overload resolution prefers them over the pack
// version, so `stmt.bindAll(a, b, c)` costs the same as three `bind(_:at:)` calls. (Admit's hot
// paths bind prepared statements directly; these serve its warm ones. `Connection.run`, `query`
// and `queryFirst` take the pack version: they run SQL that is not on a hot path.)

extension Statement {
    /// Binds 1 value to parameters 1...1; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable>(_ v1: A) throws(SQLiteError) {
        try v1.bind(to: self, at: 1)
        if parameterCount != 1 { throw parameterCountError(given: 1) }
    }

    /// Binds 2 values to parameters 1...2; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable, B: Bindable>(_ v1: A, _ v2: B) throws(SQLiteError) {
        try v1.bind(to: self, at: 1)
        try v2.bind(to: self, at: 2)
        if parameterCount != 2 { throw parameterCountError(given: 2) }
    }

    /// Binds 3 values to parameters 1...3; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable, B: Bindable, C: Bindable>(_ v1: A, _ v2: B, _ v3: C) throws(SQLiteError) {
        try v1.bind(to: self, at: 1)
        try v2.bind(to: self, at: 2)
        try v3.bind(to: self, at: 3)
        if parameterCount != 3 { throw parameterCountError(given: 3) }
    }

    /// Binds 4 values to parameters 1...4; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable, B: Bindable, C: Bindable, D: Bindable>(_ v1: A, _ v2: B, _ v3: C, _ v4: D) throws(SQLiteError) {
        try v1.bind(to: self, at: 1)
        try v2.bind(to: self, at: 2)
        try v3.bind(to: self, at: 3)
        try v4.bind(to: self, at: 4)
        if parameterCount != 4 { throw parameterCountError(given: 4) }
    }

    /// Binds 5 values to parameters 1...5; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable>(_ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E)
        throws(SQLiteError)
    {
        try v1.bind(to: self, at: 1)
        try v2.bind(to: self, at: 2)
        try v3.bind(to: self, at: 3)
        try v4.bind(to: self, at: 4)
        try v5.bind(to: self, at: 5)
        if parameterCount != 5 { throw parameterCountError(given: 5) }
    }

    /// Binds 6 values to parameters 1...6; throws a misuse error if the statement has more parameters.
    @inlinable
    public func bindAll<A: Bindable, B: Bindable, C: Bindable, D: Bindable, E: Bindable, F: Bindable>(
        _ v1: A, _ v2: B, _ v3: C, _ v4: D, _ v5: E, _ v6: F
    ) throws(SQLiteError) {
        try v1.bind(to: self, at: 1)
        try v2.bind(to: self, at: 2)
        try v3.bind(to: self, at: 3)
        try v4.bind(to: self, at: 4)
        try v5.bind(to: self, at: 5)
        try v6.bind(to: self, at: 6)
        if parameterCount != 6 { throw parameterCountError(given: 6) }
    }
}
