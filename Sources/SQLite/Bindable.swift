/// A Swift value that can be bound to a statement parameter.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Bool`, `Double`, `String`, `[UInt8]`,
/// ``SQLiteValue`` and `Optional` of any of these (`nil` binds NULL). Used by
/// `Statement.bindAll(_:)`, ``Connection/run(_:_:)`` and ``Connection/query(_:_:row:)``.
public protocol Bindable {
    /// Binds `self` to parameter `index` (1-based) of `statement`.
    func bind(to statement: Statement, at index: Int32) throws(SQLiteError)
}

extension Int64: Bindable {
    /// Binds as an integer.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Int: Bindable {
    /// Binds as an integer.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Int32: Bindable {
    /// Binds as an integer.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Bool: Bindable {
    /// Binds as the integer 1 or 0.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Double: Bindable {
    /// Binds as a real.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension String: Bindable {
    /// Binds as text (length-delimited, embedded NULs kept).
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Array: Bindable where Element == UInt8 {
    /// Binds as a blob.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension SQLiteValue: Bindable {
    /// Binds with the value's storage class.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(self, at: index)
    }
}

extension Optional: Bindable where Wrapped: Bindable {
    /// Binds the wrapped value, or NULL for `nil`.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        switch self {
        case .some(let value): try value.bind(to: statement, at: index)
        case .none: try statement.bindNull(at: index)
        }
    }
}
