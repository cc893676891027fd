import Foundation

/// Byte-level tests for ASCII text, for the fast paths of normalisation.
///
/// Each says the same as the Unicode property it stands for, restricted to ASCII: the white
/// space here is exactly the ASCII part of Unicode's `White_Space` (tab, LF, VT, FF, CR, space).
enum ASCII {
    /// Whether every byte is below 0x80, tested eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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

    /// Whether the text is all ASCII.
    static func isASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isASCII($0) }
    }

    /// Tab, LF, VT, FF, CR or space.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `A`–`Z`.
    @inline(__always)
    static func isUppercase(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }
}

extension String {
    /// The string with ASCII letters lowercased and everything else unchanged; the string
    /// itself, without a copy, when it has no uppercase ASCII letter.
    public func lowercasedASCII() -> String {
        guard utf8.contains(where: ASCII.isUppercase) else { return self }
        return String(decoding: utf8.map { ASCII.isUppercase($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The string in Unicode NFC; ASCII text (already NFC) is returned as it is.
    public func precomposedNFC() -> String {
        ASCII.isASCII(self) ? self : precomposedStringWithCanonicalMapping
    }
}
