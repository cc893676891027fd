import AdmitDomain

/// Parses policy text into `PolicySyntax`, reporting every syntax error it can find.
///
/// The grammar (see `Docs/policy-language.md`):
///
///     policy    := { window | rule }
///     window    := "window" NAME [ "from" TIME ] [ "until" TIME ] "in" ZONE
///     rule      := ( "permit" | "forbid" ) NAME ":" target [ "when" condition ]
///     target    := "any"
///                | "open" "lecture" STRING | "open" "lecture" "in" "package" STRING
///                | "open" "any" "lecture"
///                | "enrol" "in" "package" STRING | "enrol" "in" "any" "package"
///     condition := and { "or" and }
///     and       := unary { "and" unary }
///     unary     := "not" unary | "(" condition ")" | atom
///     atom      := "user" "." NAME ( "==" | "!=" ) STRING
///                | "user" "." NAME [ "not" ] "in" "[" STRING { "," STRING } "]"
///                | "user" "enrolled" "in" [ "package" ] STRING
///                | "now" "in" NAME
///
/// After an error the parser skips to the next `window`, `permit` or `forbid` and goes on.
public enum PolicyParser {
    /// Words that start a statement and so cannot be used as names.
    static let reserved: Set<String> = ["window", "permit", "forbid"]

    /// Parses one file. The syntax holds every statement that parsed; `diagnostics` every error.
    public static func parse(_ source: PolicySource) -> (syntax: PolicySyntax, diagnostics: [PolicyDiagnostic]) {
        var stream = TokenStream(source)
        var syntax = PolicySyntax(windows: [], rules: [])
        let isStatementStart: (Token) -> Bool = { $0.kind == .word && reserved.contains($0.text) }
        while !stream.atEnd {
            let statementStart = stream.position
            do throws(ParseAbort) {
                if stream.current.isWord("window") {
                    syntax.windows.append(try window(&stream))
                } else if stream.current.isWord("permit") || stream.current.isWord("forbid") {
                    syntax.rules.append(try rule(&stream))
                } else {
                    throw stream.fail(expected: "'window', 'permit' or 'forbid'")
                }
                if !stream.atEnd, !isStatementStart(stream.current) {
                    throw stream.fail(expected: "'and', 'or', or the start of the next statement")
                }
            } catch {
                stream.recover(statementStart: statementStart, until: isStatementStart)
            }
        }
        return (syntax, stream.diagnostics)
    }

    private static func window(_ s: inout TokenStream) throws(ParseAbort) -> WindowSyntax {
        s.advance()
        let name = try s.name("a window name", reserved: reserved)
        var from: Located<TimeLiteral>?
        var until: Located<TimeLiteral>?
        if s.accept("from") { from = try time(&s) }
        if s.accept("until") { until = try time(&s) }
        try s.expect("in", from == nil && until == nil ? "'from', 'until' or 'in'" : "'in' and a time zone")
        let zone = try s.name("a time zone such as Europe/Vienna", reserved: reserved)
        return WindowSyntax(name: name, from: from, until: until, zone: zone)
    }

    private static func time(_ s: inout TokenStream) throws(ParseAbort) -> Located<TimeLiteral> {
        let token = try s.expect(.time, "a date or time such as 2020-11-08 or 2020-11-08T09:00:00+01:00")
        do {
            return Located(try TimeLiteral(parsing: token.text), at: token.location)
        } catch {
            s.diagnostics.append(PolicyDiagnostic(token.location, .invalidTime(error)))
            throw ParseAbort()
        }
    }

    private static func rule(_ s: inout TokenStream) throws(ParseAbort) -> RuleSyntax {
        let start = s.advance()
        let effect: RuleEffect = start.text == "permit" ? .permit : .forbid
        let id = try s.name("a rule id", reserved: reserved)
        _ = try s.expect(.colon, "':' after the rule id")
        let target = try target(&s)
        var condition: ConditionSyntax?
        if s.accept("when") { condition = try disjunction(&s) }
        return RuleSyntax(effect: effect, id: id, target: target, condition: condition, location: start.location)
    }

    private static func target(_ s: inout TokenStream) throws(ParseAbort) -> TargetSyntax {
        if s.accept("any") { return .any }
        if s.accept("open") {
            if s.accept("any") {
                try s.expect("lecture")
                return .anyLecture
            }
            try s.expect("lecture", "'lecture' or 'any lecture'")
            if s.accept("in") {
                try s.expect("package")
                return .lecturesInPackage(try s.string("a package id in quotes"))
            }
            return .lecture(try s.string("a lecture id in quotes, or 'in package'"))
        }
        if s.accept("enrol") {
            try s.expect("in")
            if s.accept("any") {
                try s.expect("package")
                return .enrolInAnyPackage
            }
            try s.expect("package", "'package' or 'any package'")
            return .enrolInPackage(try s.string("a package id in quotes"))
        }
        throw s.fail(expected: "'any', 'open' or 'enrol'")
    }

    private static func disjunction(_ s: inout TokenStream) throws(ParseAbort) -> ConditionSyntax {
        let first = s.position
        let location = s.current.location
        var parts = [try conjunction(&s)]
        while s.accept("or") { parts.append(try conjunction(&s)) }
        return parts.count == 1 ? parts[0] : .or(parts, Located(s.text(fromToken: first), at: location))
    }

    private static func conjunction(_ s: inout TokenStream) throws(ParseAbort) -> ConditionSyntax {
        let first = s.position
        let location = s.current.location
        var parts = [try unary(&s)]
        while s.accept("and") { parts.append(try unary(&s)) }
        return parts.count == 1 ? parts[0] : .and(parts, Located(s.text(fromToken: first), at: location))
    }

    private static func unary(_ s: inout TokenStream) throws(ParseAbort) -> ConditionSyntax {
        let first = s.position
        let location = s.current.location
        if s.accept("not") {
            let operand = try unary(&s)
            return .not(operand, Located(s.text(fromToken: first), at: location))
        }
        if s.accept(.leftParen) {
            let inner = try disjunction(&s)
            _ = try s.expect(.rightParen, "')'")
            return inner
        }
        return try atom(&s)
    }

    private static func atom(_ s: inout TokenStream) throws(ParseAbort) -> ConditionSyntax {
        let first = s.position
        let location = s.current.location
        func source() -> Located<String> { Located(s.text(fromToken: first), at: location) }
        if s.accept("now") {
            try s.expect("in")
            let window = try s.name("a window name", reserved: reserved)
            return .inWindow(window, source())
        }
        guard s.accept("user") else { throw s.fail(expected: "a condition ('user.ATTRIBUTE', 'user enrolled in', 'now in', 'not' or '(')") }
        if s.accept("enrolled") {
            try s.expect("in")
            _ = s.accept("package")
            let package = try s.string("a package id in quotes")
            return .enrolled(package: package, source())
        }
        _ = try s.expect(.dot, "'.' and an attribute, or 'enrolled in'")
        let attribute = try s.name("an attribute name", reserved: reserved)
        if s.accept(.equal) {
            return .attribute(name: attribute, comparison: .equal, values: [try s.string("a value in quotes")], source())
        }
        if s.accept(.notEqual) {
            return .attribute(name: attribute, comparison: .notEqual, values: [try s.string("a value in quotes")], source())
        }
        let negated = s.accept("not")
        try s.expect("in", negated ? "'in'" : "'==', '!=', 'in' or 'not in'")
        _ = try s.expect(.leftBracket, "'[' and a list of values")
        var values = [try s.string("a value in quotes")]
        while s.accept(.comma) { values.append(try s.string("a value in quotes")) }
        _ = try s.expect(.rightBracket, "',' or ']'")
        return .attribute(name: attribute, comparison: negated ? .isNotIn : .isIn, values: values, source())
    }
}
