/// Eight-bytes-at-a-time byte class tests ("SIMD within a register").
enum SWAR {
    /// 0x01 in every byte.
    static let ones: UInt64 = 0x0101_0101_0101_0101
    /// 0x80 in every byte.
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// 0x80 at each byte of `word` below `limit`; the lowest marked byte is always a true match (`limit` <= 128).
    @inline(__always)
    static func bytesLess(than limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highBits
    }

    /// 0x80 at each byte of `word` equal to `value`; the lowest marked byte is always a true match.
    @inline(__always)
    static func bytesEqual(to value: UInt8, in word: UInt64) -> UInt64 {
        bytesLess(than: 1, in: word ^ (ones &* UInt64(value)))
    }

    /// 0x80 at quotes, backslashes and control characters in `word`; the lowest marked byte (little-endian) is exact.
    @inline(__always)
    static func specialStringBytes(_ word: UInt64) -> UInt64 {
        bytesLess(than: 0x20, in: word)
            | bytesEqual(to: Byte.quote, in: word)
            | bytesEqual(to: Byte.backslash, in: word)
    }
}
