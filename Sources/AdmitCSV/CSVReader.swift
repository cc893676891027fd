/// Reads CSV records one at a time from a `ByteSource`, in constant memory.
///
/// Rules: RFC 4180 plus what real exports do. Fields are split at `options.delimiter`; a field
/// that starts with `"` is quoted and ends at a `"` not followed by another `"`; inside it `""`
/// is a literal quote and delimiters, CR, LF and CRLF are kept verbatim. A record ends at CRLF,
/// LF or a lone CR, mixed freely; the last record may lack a line end, and a final line end
/// does not make an extra record. An empty line comes back as a row with `isBlank` set. A UTF-8
/// byte order mark at the very start is skipped (unless disabled); an empty input has no rows.
/// Every CRLF, LF or lone CR counts as one line, inside quotes too.
///
/// A malformed record is not thrown: it comes back as a row whose `problem` says why, and
/// reading goes on at the next line end outside quotes. Only input that cannot be read throws.
///
/// Memory: one read buffer of `options.readBufferSize` bytes, plus the current record. The
/// reader is a single-pass cursor over its source: copies of it share the source's position
/// and the read buffer, so keep and advance only one copy.
public struct CSVReader<Source: ByteSource> {
    /// The options the reader was created with.
    public let options: CSVOptions
    private var source: Source
    private let buffer: ReadBuffer
    private var scanner: RecordScanner
    private var filled = 0
    private var position = 0
    private var started = false
    private var sourceEnded = false
    private var finished = false

    /// Creates a reader over `source`; `options.delimiter` must be ASCII other than `"`, CR, LF
    /// and NUL, and `options.maximumFieldBytes` must not be negative.
    public init(source: Source, options: CSVOptions = .init()) {
        precondition(
            CSVOptions.isValidDelimiter(options.delimiter),
            "the delimiter must be one ASCII byte other than quote, CR, LF and NUL")
        precondition(options.maximumFieldBytes >= 0, "the field size limit cannot be negative")
        self.options = options
        self.source = source
        buffer = ReadBuffer(capacity: max(options.readBufferSize, 4), delimiter: options.delimiter)
        scanner = RecordScanner(
            delimiter: options.delimiter, maximumFieldBytes: options.maximumFieldBytes)
    }

    /// Returns the next record, or `nil` after the last one.
    ///
    /// Throws only when the source fails; after that the reader must not be used again.
    public mutating func next() throws(CSVReadError) -> CSVRow? {
        if !started { try start() }
        while true {
            if position < filled {
                if let row = scanner.scan(
                    buffer.bytes, from: position, to: filled,
                    unquotedStops: buffer.unquotedStops, quotedStops: buffer.quotedStops,
                    position: &position)
                {
                    return row
                }
                continue
            }
            if finished { return nil }
            if filled > 0 { scanner.lastByteOfPreviousChunk = buffer.bytes[filled - 1] }
            if !sourceEnded {
                let count = try readSource(at: 0)
                if count > 0 {
                    filled = count
                    position = 0
                    continue
                }
                sourceEnded = true
            }
            finished = true
            return scanner.finishAtEndOfInput()
        }
    }

    /// Reads up to three bytes ahead, so that a byte order mark split across reads is seen.
    private mutating func start() throws(CSVReadError) {
        started = true
        guard options.skipsByteOrderMark else { return }
        while filled < 3 {
            let count = try readSource(at: filled)
            if count == 0 {
                sourceEnded = true
                break
            }
            filled += count
        }
        if filled >= 3 && buffer.bytes[0] == 0xEF && buffer.bytes[1] == 0xBB
            && buffer.bytes[2] == 0xBF
        {
            position = 3
        }
    }

    /// Reads from the source into the buffer from `offset` on; returns the count, 0 at the end.
    private mutating func readSource(at offset: Int) throws(CSVReadError) -> Int {
        let space = UnsafeMutableRawBufferPointer(
            start: buffer.bytes + offset, count: buffer.capacity - offset)
        let count: Int
        do {
            count = try source.read(into: space)
        } catch {
            throw CSVReadError(wrapping: error)
        }
        guard count >= 0 && count <= space.count else {
            throw CSVReadError(
                operation: .read, path: "<source>", errorNumber: nil,
                reason: "the source reported \(count) bytes read into a buffer of \(space.count)")
        }
        return count
    }
}
