/// A rejected row: where it was, which column, why, in words.
public struct RegistrationReject: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line the row starts on (its position, for an array of values).
    public var line: Int
    /// The column concerned, as the file names it, or nil when the row as a whole is at fault.
    public var column: String?
    public var rejectClass: RejectClass
    /// One lowercase sentence without location.
    public var message: String

    public init(line: Int, column: String?, rejectClass: RejectClass, message: String) {
        self.line = line
        self.column = column
        self.rejectClass = rejectClass
        self.message = message
    }

    /// `line 7: country: 'XX' is not … [invalid-value]`: the text of a rejects file's error column.
    public var description: String {
        "line \(line): " + (column.map { "\($0): " } ?? "") + "\(message) [\(rejectClass.rawValue)]"
    }

    /// The reject compiler-style: `users.csv:7: error: country: 'XX' is not … [invalid-value]`.
    public func diagnostic(path: String) -> String {
        "\(path):\(line): error: " + (column.map { "\($0): " } ?? "") + "\(message) [\(rejectClass.rawValue)]"
    }
}
