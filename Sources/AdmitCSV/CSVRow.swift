/// One record read from CSV input: its fields, its raw bytes, where it was, and what was wrong.
///
/// When `problem` is `nil`, `fields` holds every field decoded and unquoted. When it is not,
/// the row should be rejected: `fields` is then a best-effort, lossy view for messages only,
/// and `rawRecord` is what to write to a rejects file. A record with a different number of
/// fields than the header is not a problem here: the caller decides.
public struct CSVRow: Sendable, Hashable {
    /// The 1-based physical line on which the record starts.
    public var line: Int
    /// The 1-based physical line on which the record ends; later than `line` only when a quoted
    /// field holds line breaks.
    public var endLine: Int
    /// The field values, without enclosing quotes and with `""` turned into `"`.
    public var fields: [String]
    /// The record's bytes exactly as they were in the input, without its line end.
    ///
    /// For `.fieldTooLarge` it stops where the oversized field starts, so memory stays bounded.
    public var rawRecord: [UInt8]
    /// Why the record is malformed, or `nil` when it is well-formed.
    public var problem: CSVProblem?

    /// Creates a row; the reader does this, tests and callers may too.
    public init(
        line: Int, endLine: Int, fields: [String], rawRecord: [UInt8], problem: CSVProblem? = nil
    ) {
        self.line = line
        self.endLine = endLine
        self.fields = fields
        self.rawRecord = rawRecord
        self.problem = problem
    }

    /// Whether the record is an empty line: no bytes at all, reported as one empty field.
    ///
    /// A line holding only `""` or spaces is not blank.
    public var isBlank: Bool { problem == nil && rawRecord.isEmpty }
}
