import AdmitDomain

/// Splits policy text into tokens, reporting every malformed token and carrying on.
///
/// Comments run from `#` to the end of the line. White space and line ends separate tokens and
/// mean nothing else. A word starts with a letter or `_` and goes on with letters, digits, `_`,
/// `-`, `/` and `+` (so that `free-access` and `Etc/GMT+5` are single words).
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private(set) var diagnostics: [PolicyDiagnostic] = []

    init(_ source: PolicySource) {
        scalars = Array(source.text.unicodeScalars)
        file = source.path
    }

    /// All tokens of the file, ending with one `.end` token.
    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            skipSpaceAndComments()
            let token = nextToken()
            if let token { tokens.append(token) }
            if token?.kind == .end { return tokens }
        }
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: index - lineStart + 1) }

    private mutating func skipSpaceAndComments() {
        while index < scalars.count {
            let c = scalars[index]
            if c == "\n" || c == "\r" {
                // CRLF is one line end.
                if c == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                index += 1
                line += 1
                lineStart = index
            } else if c == " " || c == "\t" || c == "\u{FEFF}" && index == 0 {
                index += 1
            } else if c == "#" {
                while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" { index += 1 }
            } else {
                return
            }
        }
    }

    /// The next token, or nil after reporting a character that starts no token.
    private mutating func nextToken() -> Token? {
        let location = here
        let start = index
        guard index < scalars.count else { return Token(kind: .end, text: "", location: location, start: start, end: start) }
        let c = scalars[index]
        func single(_ kind: Token.Kind) -> Token {
            index += 1
            return Token(kind: kind, text: String(c), location: location, start: start, end: index)
        }
        switch c {
        case ":": return single(.colon)
        case ".": return single(.dot)
        case ",": return single(.comma)
        case "(": return single(.leftParen)
        case ")": return single(.rightParen)
        case "[": return single(.leftBracket)
        case "]": return single(.rightBracket)
        case "=", "!":
            if index + 1 < scalars.count, scalars[index + 1] == "=" {
                index += 2
                return Token(kind: c == "=" ? .equal : .notEqual, text: "\(c)=", location: location, start: start, end: index)
            }
            index += 1
            diagnostics.append(PolicyDiagnostic(location, .unexpectedCharacter(String(c), hint: "did you mean '\(c)='?")))
            return nil
        case "\"":
            return string(location)
        default:
            if Lexer.isDigit(c) {
                while index < scalars.count, Lexer.isTimeCharacter(scalars[index]) { index += 1 }
                return Token(kind: .time, text: text(start, index), location: location, start: start, end: index)
            }
            if Lexer.isWordStart(c) {
                while index < scalars.count, Lexer.isWordCharacter(scalars[index]) { index += 1 }
                return Token(kind: .word, text: text(start, index), location: location, start: start, end: index)
            }
            index += 1
            diagnostics.append(PolicyDiagnostic(location, .unexpectedCharacter(String(c), hint: nil)))
            return nil
        }
    }

    private mutating func string(_ location: SourceLocation) -> Token? {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == "\"" {
                index += 1
                return Token(kind: .string, text: String(value), location: location, start: start, end: index)
            }
            if c == "\n" || c == "\r" { break }
            if c == "\\", index + 1 < scalars.count {
                let escaped = scalars[index + 1]
                switch escaped {
                case "\"", "\\": value.append(escaped)
                case "n": value.append("\n")
                case "t": value.append("\t")
                default:
                    diagnostics.append(PolicyDiagnostic(here, .invalidEscape(String(escaped))))
                }
                index += 2
                continue
            }
            value.append(c)
            index += 1
        }
        diagnostics.append(PolicyDiagnostic(location, .unterminatedString))
        return Token(kind: .string, text: String(value), location: location, start: start, end: index)
    }

    private func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    static func isWordStart(_ c: Unicode.Scalar) -> Bool { isLetter(c) || c == "_" }
    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        isLetter(c) || isDigit(c) || c == "_" || c == "-" || c == "/" || c == "+"
    }
    static func isTimeCharacter(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || c == "-" || c == ":" || c == "." || c == "+" || c == "T" || c == "t" || c == "Z" || c == "z"
    }
}
