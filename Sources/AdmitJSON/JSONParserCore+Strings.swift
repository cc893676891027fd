extension JSONParserCore {
    /// Parses the string whose opening quote is at `index` and moves past its closing quote.
    ///
    /// First pass: find the closing quote 8 bytes at a time, rejecting raw control
    /// characters and noting escapes and non-ASCII bytes. Non-ASCII content is then
    /// validated as UTF-8; strings without escapes become a `String` straight from
    /// the input bytes, the others are unescaped into a reused scratch buffer.
    @inline(__always)
    mutating func parseString() throws(JSONError) -> String {
        let open = index
        let start = open + 1
        var position = start
        var seenBits: UInt64 = 0
        var escaped = false
        scan: while true {
            // Eight bytes at a time: jump straight to the first quote, backslash or control character.
            while position &+ 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let special = SWAR.specialStringBytes(word)
                if special == 0 {
                    seenBits |= word
                    position &+= 8
                    continue
                }
                let plainBytes = special.trailingZeroBitCount >> 3
                seenBits |= word & ((1 &<< UInt64(plainBytes &* 8)) &- 1)
                position &+= plainBytes
                break
            }
            // At a special byte, or byte by byte through the last (< 8) bytes of input.
            while true {
                guard position < count else { throw JSONError(.unexpectedEnd, at: count) }
                let byte = bytes[position]
                if byte == Byte.quote { break scan }
                if byte == Byte.backslash {
                    // Skip the escaped byte so that `\"` does not end the string; checked below.
                    escaped = true
                    position &+= 2
                    continue scan
                }
                if byte < 0x20 { throw JSONError(.controlCharacterInString, at: position) }
                seenBits |= UInt64(byte)
                position &+= 1
            }
        }
        let end = position
        index = end + 1
        if seenBits & SWAR.highBits != 0,
            let bad = UTF8Validation.firstInvalidOffset(raw, from: start, to: end)
        {
            throw JSONError(.invalidUTF8, at: bad)
        }
        if !escaped {
            guard end - start <= limits.maxStringBytes else { throw JSONError(.stringTooLong, at: open) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return try unescape(from: start, to: end, quoteOffset: open)
    }

    /// Decodes the escapes in the (already scanned and UTF-8-validated) string body `start..<end`.
    mutating func unescape(from start: Int, to end: Int, quoteOffset: Int) throws(JSONError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var position = start
        var runStart = start
        while position < end {
            guard bytes[position] == Byte.backslash else {
                position += 1
                continue
            }
            if runStart < position {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            }
            let escapeOffset = position
            // The scan skipped the byte after every backslash, so it lies before `end`.
            let kind = bytes[position + 1]
            position += 2
            switch kind {
            case Byte.quote, Byte.backslash, Byte.slash: scratch.append(kind)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try hex4(at: position, end: end, escapeOffset: escapeOffset)
                position += 4
                switch unit {
                case 0xD800...0xDBFF:
                    guard position + 1 < end,
                        bytes[position] == Byte.backslash,
                        bytes[position + 1] == UInt8(ascii: "u")
                    else {
                        throw JSONError(.loneSurrogate, at: escapeOffset)
                    }
                    let low = try hex4(at: position + 2, end: end, escapeOffset: position)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONError(.loneSurrogate, at: escapeOffset)
                    }
                    position += 6
                    appendUTF8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                case 0xDC00...0xDFFF:
                    throw JSONError(.loneSurrogate, at: escapeOffset)
                default:
                    appendUTF8(unit)
                }
            default:
                throw JSONError(.invalidEscape, at: escapeOffset)
            }
            runStart = position
        }
        if runStart < end {
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
        }
        guard scratch.count <= limits.maxStringBytes else { throw JSONError(.stringTooLong, at: quoteOffset) }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Reads four hex digits at `position` (before `end`) as a UTF-16 code unit.
    @inline(__always)
    func hex4(at position: Int, end: Int, escapeOffset: Int) throws(JSONError) -> UInt32 {
        guard position + 4 <= end else { throw JSONError(.invalidEscape, at: escapeOffset) }
        var unit: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONError(.invalidEscape, at: escapeOffset)
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    /// Appends the UTF-8 form of a scalar value (never a surrogate) to the scratch buffer.
    @inline(__always)
    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        }
    }
}
