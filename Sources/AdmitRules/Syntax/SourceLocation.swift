import AdmitDomain

/// A place in a policy or policy-test file: 1-based line and column (in Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's path as given to the parser, e.g. `Policies/idor-2020.policy`.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int

    /// The place at `line`:`column` of `file`.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// File order, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// The text of one policy or policy-test file, with the path used in diagnostics.
public struct PolicySource: Sendable, Hashable {
    /// The path diagnostics name the file by.
    public var path: String
    /// The file's whole text.
    public var text: String

    /// The file at `path` with this text.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The text of 1-based line `number`, without its line end (empty when out of range).
    public func line(_ number: Int) -> String {
        var current = 1
        var start = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while current < number {
            guard let newline = scalars[start...].firstIndex(of: "\n") else { return "" }
            start = scalars.index(after: newline)
            current += 1
        }
        let end = scalars[start...].firstIndex(where: { $0 == "\n" || $0 == "\r" }) ?? scalars.endIndex
        return String(scalars[start..<end])
    }
}
