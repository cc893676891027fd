import AdmitDomain

/// A cursor over a file's tokens with the helpers both parsers share.
struct TokenStream {
    private let tokens: [Token]
    private let scalars: [Unicode.Scalar]
    private(set) var position = 0
    var diagnostics: [PolicyDiagnostic] = []

    init(_ source: PolicySource) {
        var lexer = Lexer(source)
        tokens = lexer.tokenize()
        diagnostics = lexer.diagnostics
        scalars = Array(source.text.unicodeScalars)
    }

    var current: Token { tokens[position] }
    var previous: Token { tokens[Swift.max(0, position - 1)] }
    var atEnd: Bool { current.kind == .end }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if token.kind != .end { position += 1 }
        return token
    }

    /// Consumes the word `keyword` if it is next.
    mutating func accept(_ keyword: String) -> Bool {
        guard current.isWord(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes a token of `kind` if it is next.
    mutating func accept(_ kind: Token.Kind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    /// Consumes the word `keyword` or reports what was found instead.
    mutating func expect(_ keyword: String, _ what: String? = nil) throws(ParseAbort) {
        guard accept(keyword) else { throw fail(expected: what ?? "'\(keyword)'") }
    }

    /// Consumes a token of `kind` or reports what was found instead.
    mutating func expect(_ kind: Token.Kind, _ what: String) throws(ParseAbort) -> Token {
        guard current.kind == kind else { throw fail(expected: what) }
        return advance()
    }

    /// A name: a word that is not a reserved keyword.
    mutating func name(_ what: String, reserved: Set<String>) throws(ParseAbort) -> Located<String> {
        let token = current
        guard token.kind == .word else { throw fail(expected: what) }
        if reserved.contains(token.text) {
            diagnostics.append(PolicyDiagnostic(token.location, .keywordAsName(token.text)))
            throw ParseAbort()
        }
        advance()
        return Located(token.text, at: token.location)
    }

    /// A quoted string value.
    mutating func string(_ what: String) throws(ParseAbort) -> Located<String> {
        let token = try expect(.string, what)
        return Located(token.text, at: token.location)
    }

    /// Records "expected X, found Y" at the current token and returns the abort to throw.
    mutating func fail(expected: String) -> ParseAbort {
        diagnostics.append(PolicyDiagnostic(current.location, .expected(expected, found: current.spelling)))
        return ParseAbort()
    }

    /// Skips to the next token for which `isStart` holds (a statement start), or the end.
    ///
    /// `statementStart` is where the failed statement began: the parser always moves past it, so
    /// a statement that fails on its first token cannot stall the loop.
    mutating func recover(statementStart: Int, until isStart: (Token) -> Bool) {
        if position == statementStart, !atEnd { advance() }
        while !atEnd, !isStart(current) { advance() }
    }

    /// The source text from token index `from` up to the previous token's end.
    func text(fromToken from: Int) -> String {
        let start = tokens[from].start
        let end = Swift.max(start, previous.end)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}

/// Thrown inside a parser to abandon a statement after its diagnostic has been recorded.
struct ParseAbort: Error {}
