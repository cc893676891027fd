/// A rejected row: where it was, which column, why, in words.
public struct RegistrationReject: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line the row starts on (its position, for an array of values).
    public var line: Int
    /// The column concerned, as the file names it, or nil when the row as a whole is at fault.
    public var column: String?
    public var rejectClass: RejectClass
    /// One lowercase sentence without location.
    public var message: String
    /// The file of a package the row is in (OneRoster: `users.csv`, `enrollments.csv`), or nil
    /// when the input is one file.
    public var file: String?

    public init(line: Int, column: String?, rejectClass: RejectClass, message: String, file: String? = nil) {
        self.line = line
        self.column = column
        self.rejectClass = rejectClass
        self.message = message
        self.file = file
    }

    /// `line 7: country: 'XX' is not … [invalid-value]`: the text of a rejects file's error column
    /// (`users.csv line 7: …` for a file of a package).
    public var description: String {
        (file.map { "\($0) " } ?? "") + "line \(line): " + (column.map { "\($0): " } ?? "") + "\(message) [\(rejectClass.rawValue)]"
    }

    /// The reject compiler-style: `users.csv:7: error: country: 'XX' is not … [invalid-value]`;
    /// `path` is the input's name, used unless the reject names a file of a package.
    public func diagnostic(path: String) -> String {
        "\(file ?? path):\(line): error: " + (column.map { "\($0): " } ?? "") + "\(message) [\(rejectClass.rawValue)]"
    }
}
