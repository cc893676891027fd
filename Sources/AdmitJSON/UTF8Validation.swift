/// Strict UTF-8 well-formedness checks (RFC 3629 / Unicode Table 3-7).
enum UTF8Validation {
    /// Offset of the first byte of the first ill-formed sequence in `start..<end`, or `nil` when it is all well-formed.
    ///
    /// Rejects overlong forms, encoded surrogates (ED A0..BF), code points above
    /// U+10FFFF, bytes C0, C1 and F5...FF, stray continuation bytes and truncated sequences.
    @inline(__always)
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index, end: end)
            guard length > 0 else { return index }
            index += length
        }
        return nil
    }

    /// Length (2...4) of the well-formed non-ASCII sequence starting at `index`, or 0 if it is ill-formed.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int, end: Int) -> Int {
        let lead = bytes[index]
        @inline(__always) func byte(_ i: Int) -> UInt8? {
            index + i < end ? bytes[index + i] : nil
        }
        @inline(__always) func isContinuation(_ i: Int) -> Bool {
            guard let b = byte(i) else { return false }
            return b & 0xC0 == 0x80
        }
        switch lead {
        case 0xC2...0xDF:
            return isContinuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard let second = byte(1) else { return 0 }
            let lower: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
            let upper: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard second >= lower, second <= upper, isContinuation(2) else { return 0 }
            return 3
        case 0xF0...0xF4:
            guard let second = byte(1) else { return 0 }
            let lower: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let upper: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard second >= lower, second <= upper, isContinuation(2), isContinuation(3) else { return 0 }
            return 4
        default:
            return 0
        }
    }
}
