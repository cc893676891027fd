import AdmitDomain

/// One lexical token of the policy language.
struct Token: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A word: a keyword or a name (`permit`, `free-access`, `Europe/Vienna`).
        case word
        /// A double-quoted string; `text` holds its value with escapes resolved.
        case string
        /// A date or time literal such as `2020-11-20` or `2020-11-20T23:59:59.999+01:00`.
        case time
        case colon, dot, comma, leftParen, rightParen, leftBracket, rightBracket
        case equal, notEqual
        case end
    }

    var kind: Kind
    var text: String
    var location: SourceLocation
    /// Scalar offsets of the token in its file: `[start, end)`.
    var start: Int
    var end: Int

    /// Whether this is the word `keyword`.
    func isWord(_ keyword: String) -> Bool { kind == .word && text == keyword }

    /// How the token is named in "expected … , found …" messages.
    var spelling: String {
        switch kind {
        case .end: return "end of file"
        case .string: return "string \"\(text)\""
        case .time: return "'\(text)'"
        default: return "'\(text)'"
        }
    }
}
