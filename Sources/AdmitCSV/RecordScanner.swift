#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The resumable state machine that turns chunks of bytes into `CSVRow`s.
///
/// It keeps no input of its own beyond the current record: bytes of a record that straddles
/// chunks are copied into `raw`; a record that lies inside one chunk is decoded straight from
/// the chunk. Positions inside a record are offsets from the record's first byte, whether or
/// not those bytes were kept. Every decision depends only on the bytes in order, never on where
/// a chunk ends, so the rows are the same whatever the chunk sizes.
struct RecordScanner {
    /// Where the scanner is in the grammar.
    enum State: UInt8 {
        /// Before the first byte of a record.
        case recordStart
        /// Before the first byte of a field inside a record.
        case fieldStart
        /// Inside a field that did not start with a quote.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just after a `"` inside a quoted field: a doubled quote or the closing quote.
        case quoteInQuoted
    }

    /// One completed field: the offsets of its content in the record.
    struct FieldSpan {
        var start: Int
        var end: Int
        var hasDoubledQuotes: Bool
    }

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    let delimiter: UInt8
    let maximumFieldBytes: Int

    /// The 1-based line of the next byte to scan.
    private(set) var line = 1
    /// The last byte of the chunk before the current one, 0 before the first chunk.
    var lastByteOfPreviousChunk: UInt8 = 0

    private var state = State.recordStart
    private var recordLine = 1
    private var quoteLine = 1
    /// Offset of the current field's first raw byte (its opening quote, if quoted).
    private var fieldRawStart = 0
    /// Offset of the current field's first content byte.
    private var fieldStart = 0
    /// How many `""` pairs the current field held so far.
    private var fieldEscapes = 0
    /// How many bytes of the current record lie before the current chunk.
    private var flushed = 0
    /// The kept bytes of the current record, offsets `0..<min(flushed, cut)`.
    private var raw: [UInt8] = []
    /// The completed fields of the current record are `spans[0..<fieldCount]`; the storage is
    /// reused from record to record.
    private var spans: [FieldSpan] = []
    private var fieldCount = 0
    private var problem: CSVProblem?
    /// Offset where keeping stops after a field grew too large; `Int.max` while none did.
    private var cut = Int.max
    private var unescaped: [UInt8] = []

    init(delimiter: UInt8, maximumFieldBytes: Int) {
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
    }

    /// Scans `bytes[start..<end]`; returns the first record that ends there, else `nil`.
    ///
    /// `position` receives the index of the first byte not yet scanned. `bytes` must be the
    /// whole current chunk from its first byte, since a LF at index `i` looks at `i - 1`.
    mutating func scan(
        _ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int,
        unquotedStops: UnsafePointer<UInt8>, quotedStops: UnsafePointer<UInt8>,
        position: inout Int
    ) -> CSVRow? {
        var i = start
        var state = self.state
        var segmentStart = start
        var base = flushed - start
        let delimiter = self.delimiter

        scanning: while i < end {
            switch state {
            case .recordStart:
                if bytes[i] == Self.lineFeed && previousIsCarriageReturn(bytes, i) {
                    i &+= 1  // the LF of a CRLF whose CR ended the previous record
                    continue
                }
                recordLine = line
                segmentStart = i
                flushed = 0
                base = -i
                state = .fieldStart

            case .fieldStart:
                fieldRawStart = base &+ i
                fieldEscapes = 0
                if bytes[i] == Self.quote {
                    quoteLine = line
                    fieldStart = base &+ i &+ 1
                    state = .quoted
                    i &+= 1
                } else {
                    fieldStart = base &+ i
                    state = .unquoted
                }

            case .unquoted:
                while i < end && unquotedStops[Int(bytes[i])] == 0 { i &+= 1 }
                if i == end { break scanning }
                let byte = bytes[i]
                if byte == delimiter {
                    closeField(end: base &+ i)
                    state = .fieldStart
                    i &+= 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    closeField(end: base &+ i)
                    let row = finishRecord(bytes, from: segmentStart, to: i, endLine: line)
                    line &+= 1
                    self.state = .recordStart
                    position = i &+ 1
                    return row
                } else if byte == Self.quote {
                    note(.quoteInUnquotedField(field: fieldCount &+ 1), fieldEnd: base &+ i)
                    i &+= 1
                } else {
                    note(.nulByte(field: fieldCount &+ 1), fieldEnd: base &+ i)
                    i &+= 1
                }

            case .quoted:
                while i < end && quotedStops[Int(bytes[i])] == 0 { i &+= 1 }
                if i == end { break scanning }
                let byte = bytes[i]
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else if byte == Self.carriageReturn {
                    line &+= 1
                } else if byte == Self.lineFeed {
                    if !previousIsCarriageReturn(bytes, i) { line &+= 1 }
                } else {
                    note(.nulByte(field: fieldCount &+ 1), fieldEnd: base &+ i)
                }
                i &+= 1

            case .quoteInQuoted:
                let byte = bytes[i]
                if byte == Self.quote {
                    fieldEscapes &+= 1
                    state = .quoted
                    i &+= 1
                } else if byte == delimiter {
                    closeField(end: base &+ i &- 1)
                    state = .fieldStart
                    i &+= 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    closeField(end: base &+ i &- 1)
                    let row = finishRecord(bytes, from: segmentStart, to: i, endLine: line)
                    line &+= 1
                    self.state = .recordStart
                    position = i &+ 1
                    return row
                } else {
                    // The rest of the field is read as unquoted text, closing quote included.
                    note(.textAfterClosingQuote(field: fieldCount &+ 1), fieldEnd: base &+ i &- 1)
                    state = .unquoted
                }
            }
        }

        if state != .recordStart {
            keep(bytes, from: segmentStart, to: end)
            flushed &+= end &- segmentStart
            switch state {
            case .unquoted, .quoted: checkFieldSize(fieldEnd: flushed)
            case .quoteInQuoted: checkFieldSize(fieldEnd: flushed &- 1)
            case .recordStart, .fieldStart: break
            }
        }
        self.state = state
        position = end
        return nil
    }

    /// Ends the record in progress at the end of the input; `nil` when none is in progress.
    mutating func finishAtEndOfInput() -> CSVRow? {
        switch state {
        case .recordStart:
            return nil
        case .fieldStart:
            fieldRawStart = flushed
            fieldStart = flushed
            fieldEscapes = 0
            closeField(end: flushed)
        case .unquoted:
            closeField(end: flushed)
        case .quoted:
            closeField(end: flushed)
            note(.unclosedQuote(openedAtLine: quoteLine), fieldEnd: nil)
        case .quoteInQuoted:
            closeField(end: flushed &- 1)
        }
        let last = lastByteOfPreviousChunk
        let endsWithLineBreak = last == Self.lineFeed || last == Self.carriageReturn
        let row = raw.withUnsafeBufferPointer { kept in
            makeRow(kept, endLine: endsWithLineBreak ? line &- 1 : line)
        }
        reset()
        state = .recordStart
        return row
    }

    private func previousIsCarriageReturn(_ bytes: UnsafePointer<UInt8>, _ i: Int) -> Bool {
        (i > 0 ? bytes[i &- 1] : lastByteOfPreviousChunk) == Self.carriageReturn
    }

    /// Records the current field as ending at offset `end`, unless it is too large.
    private mutating func closeField(end: Int) {
        checkFieldSize(fieldEnd: end)
        guard cut == Int.max else { return }
        let span = FieldSpan(start: fieldStart, end: end, hasDoubledQuotes: fieldEscapes > 0)
        if fieldCount < spans.count {
            spans[fieldCount] = span
        } else {
            spans.append(span)
        }
        fieldCount &+= 1
    }

    /// Notes `problem` unless the row has one; the field's size up to `fieldEnd` is checked
    /// first, so that whichever came first in the bytes is reported.
    private mutating func note(_ problem: CSVProblem, fieldEnd: Int?) {
        if let fieldEnd { checkFieldSize(fieldEnd: fieldEnd) }
        if self.problem == nil { self.problem = problem }
    }

    /// Once the current field's decoded size passes the limit, notes it and stops keeping bytes.
    private mutating func checkFieldSize(fieldEnd: Int) {
        guard cut == Int.max, fieldEnd &- fieldStart &- fieldEscapes > maximumFieldBytes else {
            return
        }
        if problem == nil {
            problem = .fieldTooLarge(field: fieldCount &+ 1, limit: maximumFieldBytes)
        }
        cut = fieldRawStart
        if raw.count > cut { raw.removeSubrange(cut...) }
    }

    /// Copies `bytes[from..<to]`, the record's bytes from offset `flushed`, into `raw`, up to `cut`.
    private mutating func keep(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int) {
        let count = min(to &- from, max(0, cut &- flushed))
        guard count > 0 else { return }
        raw.append(contentsOf: UnsafeBufferPointer(start: bytes + from, count: count))
    }

    /// Builds the row for a record whose last bytes are `bytes[from..<to]` and resets.
    private mutating func finishRecord(
        _ bytes: UnsafePointer<UInt8>, from: Int, to: Int, endLine: Int
    ) -> CSVRow {
        let row: CSVRow
        if flushed == 0 && cut == Int.max {
            row = makeRow(
                UnsafeBufferPointer(start: bytes + from, count: to &- from), endLine: endLine)
        } else {
            keep(bytes, from: from, to: to)
            row = raw.withUnsafeBufferPointer { kept in makeRow(kept, endLine: endLine) }
        }
        reset()
        return row
    }

    /// Decodes the completed fields of `record`, the kept bytes of the current record.
    private mutating func makeRow(_ record: UnsafeBufferPointer<UInt8>, endLine: Int) -> CSVRow {
        var fields: [String] = []
        fields.reserveCapacity(fieldCount)
        let isASCII = Self.isASCII(record)
        for index in 0..<fieldCount {
            let span = spans[index]
            let content = UnsafeBufferPointer(rebasing: record[span.start..<span.end])
            let (value, isValid) =
                span.hasDoubledQuotes
                ? undoubled(content, isASCII: isASCII)
                : Self.decode(content, isASCII: isASCII)
            if !isValid && problem == nil { problem = .invalidUTF8(field: index &+ 1) }
            fields.append(value)
        }
        return CSVRow(
            line: recordLine, endLine: endLine, fields: fields, rawRecord: Array(record),
            problem: problem)
    }

    /// The text of `content` with each `""` turned into `"`, and whether it was valid UTF-8.
    private mutating func undoubled(
        _ content: UnsafeBufferPointer<UInt8>, isASCII: Bool
    ) -> (String, Bool) {
        unescaped.removeAll(keepingCapacity: true)
        var runStart = 0
        var i = 0
        while i < content.count {
            if content[i] == Self.quote {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: content[runStart...i]))
                i &+= (i &+ 1 < content.count && content[i &+ 1] == Self.quote) ? 2 : 1
                runStart = i
            } else {
                i &+= 1
            }
        }
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: content[runStart...]))
        let result = unescaped.withUnsafeBufferPointer { Self.decode($0, isASCII: isASCII) }
        if unescaped.capacity > 1 << 20 { unescaped = [] }
        return result
    }

    /// The text of `bytes`, with U+FFFD for invalid sequences, and whether it was valid UTF-8.
    ///
    /// `String(decoding:)` replaces invalid sequences and its result is always valid UTF-8, so
    /// the input was valid exactly when the result holds the same bytes. (This is several times
    /// faster than `String(validating:as:)`, which is not specialised for this use.)
    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool
    ) -> (String, Bool) {
        let text = String(decoding: bytes, as: UTF8.self)
        if isASCII { return (text, true) }
        let isSame =
            text.utf8.withContiguousStorageIfAvailable { decoded in
                guard decoded.count == bytes.count else { return false }
                guard let decodedStart = decoded.baseAddress, let start = bytes.baseAddress else {
                    return true  // both empty
                }
                return memcmp(decodedStart, start, bytes.count) == 0
            } ?? text.utf8.elementsEqual(bytes)
        return (text, isSame)
    }

    /// Whether every byte is below 0x80, tested eight bytes at a time.
    ///
    /// The same test as `AdmitDomain.ASCII.isASCII`, written again here on purpose: the format
    /// modules import nothing of Admit, and eleven lines are cheaper than a module for them.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(start)
        var bits: UInt64 = 0
        var i = 0
        while i &+ 8 <= bytes.count {
            bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        while i < bytes.count {
            bits |= UInt64(start[i])
            i &+= 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    private mutating func reset() {
        fieldCount = 0
        if spans.count > 1 << 12 { spans = [] }
        if raw.capacity > 1 << 20 {
            raw = []
        } else if !raw.isEmpty {
            raw.removeAll(keepingCapacity: true)
        }
        problem = nil
        flushed = 0
        cut = Int.max
    }
}
