/// Why and where a document was rejected.
///
/// `offset` is the 0-based byte offset at which the problem was detected: the
/// offending byte, the opening quote of a duplicate key, the backslash of a bad
/// escape, the first byte of an ill-formed UTF-8 sequence, the comma of a trailing
/// comma, or the input length when the input ends too early.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The category of a parse error.
    public enum Kind: Sendable, Hashable {
        /// The input has no bytes, or only whitespace.
        case emptyInput
        /// The input starts with the UTF-8 byte-order mark EF BB BF, which RFC 8259 forbids.
        case byteOrderMark
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the expected token (the byte is attached).
        case unexpectedCharacter(UInt8)
        /// Bytes that are not well-formed UTF-8 (overlong, surrogate, truncated, out of range, stray continuation).
        case invalidUTF8
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape
        /// A `\uD800`–`\uDFFF` escape that is not part of a high-then-low surrogate pair.
        case loneSurrogate
        /// A byte below 0x20 inside a string, which must be escaped.
        case controlCharacterInString
        /// A number that breaks the RFC 8259 grammar (`+1`, `.5`, `1.`, `01`, `1e`, `-`, `Infinity`...).
        case invalidNumber
        /// A comma directly before `]` or `}`.
        case trailingComma
        /// An object key that already occurred in the same object (compared after unescaping).
        case duplicateKey(String)
        /// Arrays and objects nested deeper than ``JSONLimits/maxDepth``.
        case tooDeep
        /// A string (or key) longer than ``JSONLimits/maxStringBytes`` once unescaped.
        case stringTooLong
        /// Something other than whitespace after the one top-level value.
        case trailingContent
    }

    /// The category of the error.
    public let kind: Kind
    /// The 0-based byte offset where the error was detected.
    public let offset: Int

    /// Creates an error of `kind` at byte `offset`.
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// One lowercase line, for example `byte 17: duplicate key "id"`.
    public var description: String {
        "byte \(offset): \(kind.message)"
    }
}

extension JSONError.Kind {
    /// The lowercase, one-line text for this kind, without the offset.
    public var message: String {
        switch self {
        case .emptyInput: return "empty input, expected a json value"
        case .byteOrderMark: return "utf-8 byte-order mark (ef bb bf) is not allowed at the start of json text"
        case .unexpectedEnd: return "unexpected end of input"
        case .unexpectedCharacter(let byte): return "unexpected \(Self.describe(byte))"
        case .invalidUTF8: return "invalid utf-8"
        case .invalidEscape: return "invalid escape sequence in string"
        case .loneSurrogate: return "unpaired utf-16 surrogate escape in string"
        case .controlCharacterInString: return "unescaped control character in string"
        case .invalidNumber: return "invalid number"
        case .trailingComma: return "trailing comma"
        case .duplicateKey(let key): return "duplicate key \(JSONWriter.quoted(key))"
        case .tooDeep: return "nesting too deep"
        case .stringTooLong: return "string too long"
        case .trailingContent: return "unexpected content after the json value"
        }
    }

    /// `character 'x'` for printable ASCII, `byte 0x0a` otherwise.
    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
