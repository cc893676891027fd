/// Appends CSV records to a byte buffer, quoting a field only when it has to.
///
/// A field is quoted when it holds the delimiter, `"`, CR or LF, or starts or ends with a space
/// or tab (which some readers trim), or starts with a byte order mark (which a reader drops at
/// the start of a file); quotes inside are doubled. A record of one empty field is
/// written `""` so that it does not read back as a blank line. Records end with CRLF unless
/// `lineEnding` is `.lineFeed`. Take the bytes with `takeBytes()` whenever convenient (for
/// example every few thousand records) to write them out and keep memory flat.
///
/// `neutraliseFormulas` follows OWASP's advice against CSV injection: a field starting with
/// `=`, `+`, `-`, `@`, tab or CR gets a `'` in front, so that a spreadsheet shows it as text
/// instead of running it as a formula. It changes the data (`-5` becomes `'-5`), so use it for
/// files that people open in spreadsheets, not for files that a program reads back.
public struct CSVWriter: Sendable {
    /// The bytes that end each record.
    public enum LineEnding: Sendable, Hashable {
        /// `\r\n`, as RFC 4180 says.
        case carriageReturnLineFeed
        /// `\n`.
        case lineFeed
    }

    /// The byte between fields.
    public let delimiter: UInt8
    /// The bytes that end each record.
    public let lineEnding: LineEnding
    /// Whether fields that a spreadsheet would run as formulas get a `'` in front.
    public let neutraliseFormulas: Bool
    /// The records written so far and not yet taken.
    public private(set) var bytes: [UInt8] = []

    private static let quote = UInt8(ascii: "\"")

    /// Creates a writer; `delimiter` must be ASCII other than `"`, CR, LF and NUL.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        lineEnding: LineEnding = .carriageReturnLineFeed,
        neutraliseFormulas: Bool = false
    ) {
        precondition(
            CSVOptions.isValidDelimiter(delimiter),
            "the delimiter must be one ASCII byte other than quote, CR, LF and NUL")
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        self.neutraliseFormulas = neutraliseFormulas
    }

    /// Appends one record; zero fields write an empty line.
    public mutating func write(_ fields: some Sequence<String>) {
        var count = 0
        var onlyFieldIsEmpty = false
        for field in fields {
            if count > 0 { bytes.append(delimiter) }
            append(field)
            onlyFieldIsEmpty = count == 0 && field.isEmpty
            count += 1
        }
        if count == 1 && onlyFieldIsEmpty {
            bytes.append(Self.quote)
            bytes.append(Self.quote)
        }
        endRecord()
    }

    /// Appends `record` exactly as given, then a line end: for writing out a rejected row's
    /// `rawRecord`.
    public mutating func writeRaw(_ record: [UInt8]) {
        bytes.append(contentsOf: record)
        endRecord()
    }

    /// Returns the bytes written so far and empties the buffer.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func endRecord() {
        if lineEnding == .carriageReturnLineFeed { bytes.append(UInt8(ascii: "\r")) }
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func append(_ field: String) {
        let utf8 = field.utf8
        let prefix = neutraliseFormulas && utf8.first.map(Self.startsFormula) == true
        guard prefix || !utf8.isEmpty else { return }
        let quoted = needsQuotes(utf8, prefixed: prefix)
        if quoted { bytes.append(Self.quote) }
        if prefix { bytes.append(UInt8(ascii: "'")) }
        if quoted {
            for byte in utf8 {
                bytes.append(byte)
                if byte == Self.quote { bytes.append(Self.quote) }
            }
            bytes.append(Self.quote)
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    private func needsQuotes(_ utf8: String.UTF8View, prefixed: Bool) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        if (!prefixed && Self.isSpace(first)) || Self.isSpace(last) { return true }
        if !prefixed && utf8.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        for byte in utf8
        where byte == delimiter || byte == Self.quote || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
        {
            return true
        }
        return false
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
            UInt8(ascii: "\t"), UInt8(ascii: "\r"):
            true
        default:
            false
        }
    }
}
