/// Why one record was malformed; the reader reports it on the row and goes on with the next.
///
/// `field` numbers count from 1, like line numbers. A row carries only the first problem
/// found while scanning its bytes in order; encoding is checked once the record is complete,
/// so `.invalidUTF8` is reported only when scanning found nothing else. The codes and
/// messages below are the only place these words are written.
public enum CSVProblem: Sendable, Hashable {
    /// A quoted field was still open at the end of the input.
    case unclosedQuote(openedAtLine: Int)
    /// A field's bytes are not valid UTF-8.
    case invalidUTF8(field: Int)
    /// A field contains a NUL byte, which no text export writes on purpose.
    case nulByte(field: Int)
    /// A quoted field's closing quote is followed by something other than a delimiter or line
    /// end, as in `"a"b`.
    case textAfterClosingQuote(field: Int)
    /// A quote appears inside a field that does not start with one, as in `a"b`.
    ///
    /// Such rows are rejected, not guessed at: the writer of the file did not quote the field,
    /// so whether the quote is data or a broken attempt at quoting cannot be told.
    case quoteInUnquotedField(field: Int)
    /// A field's decoded value is longer than `CSVOptions.maximumFieldBytes`.
    case fieldTooLarge(field: Int, limit: Int)

    /// A stable identifier for the class of problem, for logs, reports and tests.
    public var code: String {
        switch self {
        case .unclosedQuote: "unclosed-quote"
        case .invalidUTF8: "invalid-encoding"
        case .nulByte: "nul-byte"
        case .textAfterClosingQuote: "text-after-quote"
        case .quoteInUnquotedField: "bare-quote"
        case .fieldTooLarge: "field-too-large"
        }
    }

    /// One lowercase line describing the problem, without location.
    public var message: String {
        switch self {
        case .unclosedQuote(let line):
            "quoted field opened on line \(line) is not closed at end of input"
        case .invalidUTF8(let field):
            "field \(field) is not valid utf-8"
        case .nulByte(let field):
            "field \(field) contains a nul byte"
        case .textAfterClosingQuote(let field):
            "field \(field) has text after its closing quote"
        case .quoteInUnquotedField(let field):
            "field \(field) contains a quote but does not start with one"
        case .fieldTooLarge(let field, let limit):
            "field \(field) is larger than \(limit) bytes"
        }
    }

    /// The problem compiler-style: `users.csv:12: error: field 3 is not valid utf-8 [invalid-encoding]`.
    public func diagnostic(path: String, line: Int) -> String {
        "\(path):\(line): error: \(message) [\(code)]"
    }
}
