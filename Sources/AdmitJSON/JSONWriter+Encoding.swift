extension JSONWriter {
    /// Ensures room for `maxBytes` more bytes, then lets `body` write at most that many at the given pointer and returns how many it wrote.
    @inline(__always)
    mutating func append(upTo maxBytes: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = buffer.copy(count: length)
        }
        buffer.reserve(length + maxBytes, keeping: length)
        length += body(buffer.base + length)
    }

    /// What goes before the next key or value, captured so that write closures need not touch `self`.
    struct Separator {
        let state: State
        let pretty: Bool
        let depth: Int

        /// Most bytes ``write(to:)`` can produce: comma, newline and indentation.
        @inline(__always)
        var maxBytes: Int { pretty ? 2 + 2 * depth : 1 }

        /// Writes the separator at `out`; returns the byte count.
        @inline(__always)
        func write(to out: UnsafeMutablePointer<UInt8>) -> Int {
            switch state {
            case .afterKey:
                return 0
            case .afterValue:
                out[0] = Byte.comma
                return pretty ? 1 + JSONWriter.writeNewlineAndIndent(out + 1, depth: depth) : 1
            case .first:
                return pretty && depth > 0 ? JSONWriter.writeNewlineAndIndent(out, depth: depth) : 0
            }
        }
    }

    /// The separator for the next key or value.
    @inline(__always)
    var separator: Separator { Separator(state: state, pretty: style == .pretty, depth: depth) }

    /// Writes a line feed and two spaces per level at `out`; returns the byte count.
    @inline(__always)
    static func writeNewlineAndIndent(_ out: UnsafeMutablePointer<UInt8>, depth: Int) -> Int {
        out[0] = Byte.lineFeed
        (out + 1).update(repeating: Byte.space, count: 2 * depth)
        return 1 + 2 * depth
    }

    /// Writes an ASCII scalar token (`null`, `true`, `false`) with its separator.
    @inline(__always)
    mutating func appendScalar(_ literal: StaticString) {
        let separator = self.separator
        append(upTo: separator.maxBytes + literal.utf8CodeUnitCount) { out in
            let used = separator.write(to: out)
            (out + used).update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
            return used + literal.utf8CodeUnitCount
        }
        self.state = .afterValue
    }

    /// Writes number text that is known to be valid, with its separator.
    @inline(__always)
    mutating func appendNumberText(_ text: String) {
        var text = text
        text.withUTF8 { appendValueBytes($0) }
    }

    /// Writes `bytes`, the text of one complete value, verbatim after its separator.
    @inline(__always)
    mutating func appendValueBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        let separator = self.separator
        append(upTo: separator.maxBytes + bytes.count) { out in
            let used = separator.write(to: out)
            if let source = bytes.baseAddress { (out + used).update(from: source, count: bytes.count) }
            return used + bytes.count
        }
        state = .afterValue
    }

    /// Writes `value` in decimal with its separator, without allocating.
    @inline(__always)
    mutating func appendDecimal(_ value: Int64) {
        let separator = self.separator
        append(upTo: separator.maxBytes + 20) { out in
            let used = separator.write(to: out)
            var magnitude = value.magnitude
            var digitCount = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digitCount += 1
            }
            let sign = value < 0 ? 1 : 0
            if sign == 1 { out[used] = UInt8(ascii: "-") }
            var position = used + sign + digitCount
            repeat {
                position -= 1
                out[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude != 0
            return used + sign + digitCount
        }
        state = .afterValue
    }

    /// Opens a container with `bracket`.
    @inline(__always)
    mutating func open(_ bracket: UInt8) {
        let separator = self.separator
        append(upTo: separator.maxBytes + 1) { out in
            let used = separator.write(to: out)
            out[used] = bracket
            return used + 1
        }
        depth += 1
        state = .first
    }

    /// Closes the innermost container with `bracket`.
    @inline(__always)
    mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "JSONWriter: endObject()/endArray() without a matching begin")
        assert(state != .afterKey, "JSONWriter: key without value")
        depth -= 1
        let breakLine = style == .pretty && state == .afterValue
        let depth = self.depth
        append(upTo: 2 + 2 * depth) { out in
            let used = breakLine ? JSONWriter.writeNewlineAndIndent(out, depth: depth) : 0
            out[used] = bracket
            return used + 1
        }
        state = .afterValue
    }

    /// Writes a string (or a key with its colon) with its separator, escaping as needed.
    @inline(__always)
    mutating func appendString(_ string: String, isKey: Bool) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            appendString(utf8, isKey: isKey)
        }
        if done == nil {
            // Bridged or otherwise non-contiguous strings: work on a native copy.
            var copy = string
            copy.withUTF8 { utf8 in appendString(utf8, isKey: isKey) }
        }
        state = isKey ? .afterKey : .afterValue
    }

    /// Bytes of string content escaped per buffer reservation (worst case 6 output bytes each).
    static var chunkBytes: Int { 2048 }

    /// Writes UTF-8 `text` quoted and escaped (plus `:` for a key) with its separator.
    mutating func appendString(_ text: UnsafeBufferPointer<UInt8>, isKey: Bool) {
        let pretty = style == .pretty
        let suffix = isKey ? (pretty ? 3 : 2) : 1
        if text.count <= Self.chunkBytes {
            let separator = self.separator
            append(upTo: separator.maxBytes + 1 + 6 * text.count + suffix) { out in
                var used = separator.write(to: out)
                out[used] = Byte.quote
                used += 1
                used += Self.writeEscaped(text, to: out + used)
                return used + Self.writeQuoteSuffix(out + used, isKey: isKey, pretty: pretty)
            }
            return
        }
        // Long strings: escape chunk by chunk so the buffer never needs 6x the input.
        let separator = self.separator
        append(upTo: separator.maxBytes + 1) { out in
            let used = separator.write(to: out)
            out[used] = Byte.quote
            return used + 1
        }
        var start = 0
        while start < text.count {
            let end = Swift.min(start + Self.chunkBytes, text.count)
            let chunk = UnsafeBufferPointer(rebasing: text[start..<end])
            append(upTo: 6 * chunk.count) { out in Self.writeEscaped(chunk, to: out) }
            start = end
        }
        append(upTo: suffix) { out in Self.writeQuoteSuffix(out, isKey: isKey, pretty: pretty) }
    }

    /// Writes the closing quote, and for a key the colon (and a space when pretty); returns the byte count.
    @inline(__always)
    static func writeQuoteSuffix(_ out: UnsafeMutablePointer<UInt8>, isKey: Bool, pretty: Bool) -> Int {
        out[0] = Byte.quote
        guard isKey else { return 1 }
        out[1] = Byte.colon
        guard pretty else { return 2 }
        out[2] = Byte.space
        return 3
    }

    /// Copies `text` to `out`, escaping `"`, `\` and control characters; returns the bytes written (at most 6 per input byte).
    @inline(__always)
    static func writeEscaped(_ text: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let source = text.baseAddress else { return 0 }
        let count = text.count
        if !containsSpecialByte(source, count: count) {
            out.update(from: source, count: count)
            return count
        }
        var written = 0
        var position = 0
        while position < count {
            // Find the next byte that needs escaping, 8 bytes at a time.
            var next = position
            while next &+ 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(source + next).loadUnaligned(as: UInt64.self))
                let special = SWAR.specialStringBytes(word)
                if special != 0 {
                    next &+= special.trailingZeroBitCount >> 3
                    break
                }
                next &+= 8
            }
            if next &+ 8 > count {
                while next < count {
                    let byte = source[next]
                    if byte < 0x20 || byte == Byte.quote || byte == Byte.backslash { break }
                    next &+= 1
                }
            }
            // Copy the plain run, then escape the special byte (if any).
            let run = next - position
            (out + written).update(from: source + position, count: run)
            written += run
            position = next
            if position < count {
                written += writeEscape(for: source[position], to: out + written)
                position += 1
            }
        }
        return written
    }

    /// Whether any of the `count` bytes at `source` needs escaping; reads only those bytes, a word at a time even for short text.
    @inline(__always)
    static func containsSpecialByte(_ source: UnsafePointer<UInt8>, count: Int) -> Bool {
        let raw = UnsafeRawPointer(source)
        var position = 0
        while position &+ 8 <= count {
            if SWAR.specialStringBytes(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))) != 0 {
                return true
            }
            position &+= 8
        }
        if position == count { return false }
        // The last (< 8) bytes: overlapping loads, padded with the harmless byte 0x41 ("A").
        let word: UInt64
        if count >= 8 {
            word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        } else if count >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            word = low | high << 32
        } else if count >= 2 {
            let low = UInt64(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self)))
            let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)))
            word = low | high << 16 | 0x4141_4141_0000_0000
        } else {
            word = UInt64(source[0]) | 0x4141_4141_4141_4100
        }
        return SWAR.specialStringBytes(word) != 0
    }

    /// Writes the escape for `"`, `\` or a control character at `out`; returns its length (2 or 6).
    @inline(__always)
    static func writeEscape(for byte: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = Byte.backslash
        switch byte {
        case Byte.quote, Byte.backslash: out[1] = byte
        case 0x08: out[1] = UInt8(ascii: "b")
        case 0x09: out[1] = UInt8(ascii: "t")
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0C: out[1] = UInt8(ascii: "f")
        case 0x0D: out[1] = UInt8(ascii: "r")
        default:
            // Only 0x00...0x1F get here: `\u00` then two lowercase hex digits.
            let low = byte & 0x0F
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = UInt8(ascii: "0") &+ byte >> 4
            out[5] = low < 10 ? UInt8(ascii: "0") &+ low : UInt8(ascii: "a") &+ (low &- 10)
            return 6
        }
        return 2
    }
}
