import AdmitDomain

/// One error or warning found in a policy or policy-test file, with its place and its cause.
///
/// The words are written once, in `message`; `description` gives the compiler-style line
/// `Policies/idor-2020.policy:12:7: error: undefined window 'fre'; did you mean 'free'?`.
/// Errors stop a policy from loading; warnings (`PolicySet.warnings`) do not.
public struct PolicyDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What the problem is.
    public var kind: Kind

    /// Whether a diagnostic stops the policy from loading.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// A diagnostic of `kind` at `location`.
    public init(_ location: SourceLocation, _ kind: Kind) {
        self.location = location
        self.kind = kind
    }

    /// Every cause of a policy error, with the data its message needs.
    public enum Kind: Sendable, Hashable {
        // Syntax.
        case unexpectedCharacter(String, hint: String?)
        case unterminatedString
        case invalidEscape(String)
        case expected(String, found: String)
        case keywordAsName(String)
        case invalidTime(TimeSyntaxError)
        // Windows.
        case unknownZone(String, suggestion: String?)
        case localTimeSkipped(LocalDateTime, zone: String)
        case localTimeRepeated(LocalDateTime, zone: String)
        case windowWithoutBounds(String)
        case windowEndsBeforeStart(String, start: String, end: String)
        case duplicateWindow(String, previous: SourceLocation)
        // Rules.
        case duplicateRule(String, previous: SourceLocation)
        case unknownAttribute(String, suggestion: String?)
        case unknownValue(attribute: String, value: String, expected: String)
        case unknownPackage(String, suggestion: String?)
        case unknownLecture(String, suggestion: String?)
        case undefinedWindow(String, suggestion: String?)
        case neverApplies(rule: String)
        case neverGrants(rule: String, forbid: String)
        // Policy tests.
        case undefinedUser(String, suggestion: String?)
        case duplicateUser(String, previous: SourceLocation)
        case unknownReasonCode(String, suggestion: String?)
        // Warnings.
        case noPermitOpens(package: String, lectures: [String], of: Int)
        case alwaysOverridden(rule: String, forbid: String)
        case unusedWindow(String)
        case windowGap(first: String, second: String, span: String)
        case windowOverlap(first: String, second: String, span: String)
    }

    /// Warnings are the kinds that `PolicyLint` finds; every other kind is an error.
    public var severity: Severity {
        switch kind {
        case .noPermitOpens, .alwaysOverridden, .unusedWindow, .windowGap, .windowOverlap: return .warning
        default: return .error
        }
    }

    /// The cause in one lowercase line, without the location.
    public var message: String {
        switch kind {
        case .unexpectedCharacter(let c, let hint):
            return "unexpected character '\(c)'" + (hint.map { "; \($0)" } ?? "")
        case .unterminatedString: return "unterminated string: a closing '\"' is missing on this line"
        case .invalidEscape(let c): return "invalid escape '\\\(c)' in string (use \\\" \\\\ \\n or \\t)"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .keywordAsName(let word): return "'\(word)' is a keyword and cannot be used as a name"
        case .invalidTime(let error): return error.description
        case .unknownZone(let zone, let suggestion): return "unknown time zone '\(zone)'" + Self.didYouMean(suggestion)
        case .localTimeSkipped(let local, let zone):
            return "local time \(local) does not exist in \(zone) (clocks skip it); write it with an offset"
        case .localTimeRepeated(let local, let zone):
            return "local time \(local) happens twice in \(zone) (clocks go back); write it with an offset"
        case .windowWithoutBounds(let name): return "window '\(name)' needs a 'from' or an 'until' bound"
        case .windowEndsBeforeStart(let name, let start, let end):
            return "window '\(name)' ends (\(end)) before it starts (\(start))"
        case .duplicateWindow(let name, let previous): return "window '\(name)' is already defined at \(previous)"
        case .duplicateRule(let id, let previous): return "rule id '\(id)' is already used at \(previous)"
        case .unknownAttribute(let name, let suggestion):
            return "unknown attribute 'user.\(name)'" + Self.didYouMean(suggestion, prefix: "user.")
                + (suggestion == nil ? " (known: \(Schema.attributeNames.joined(separator: ", ")))" : "")
        case .unknownValue(let attribute, let value, let expected):
            return "unknown value '\(value)' for user.\(attribute); expected \(expected)"
        case .unknownPackage(let id, let suggestion): return "unknown package '\(id)'" + Self.didYouMean(suggestion)
        case .unknownLecture(let id, let suggestion): return "unknown lecture '\(id)'" + Self.didYouMean(suggestion)
        case .undefinedWindow(let name, let suggestion): return "undefined window '\(name)'" + Self.didYouMean(suggestion)
        case .neverApplies(let rule): return "rule '\(rule)' can never apply: its condition is never true"
        case .neverGrants(let rule, let forbid):
            return "permit '\(rule)' can never grant: forbid '\(forbid)' applies to every request it covers"
        case .undefinedUser(let name, let suggestion): return "undefined test user '\(name)'" + Self.didYouMean(suggestion)
        case .duplicateUser(let name, let previous): return "test user '\(name)' is already defined at \(previous)"
        case .unknownReasonCode(let code, let suggestion): return "unknown reason code '\(code)'" + Self.didYouMean(suggestion)
        case .noPermitOpens(let package, let lectures, let all):
            if all == 1 { return "no permit can open the only lecture of package '\(package)' at any instant" }
            if lectures.count == all { return "no permit can open any of the \(all) lectures of package '\(package)' at any instant" }
            return
                "no permit can open \(lectures.count) of the \(all) lectures of package '\(package)' at any instant: \(Self.list(lectures))"
        case .alwaysOverridden(let rule, let forbid):
            return "permit '\(rule)' never grants: whenever it applies, forbid '\(forbid)' applies too"
        case .unusedWindow(let name): return "window '\(name)' is used by no rule"
        case .windowGap(let first, let second, let span):
            return "windows '\(first)' and '\(second)' are chained by rules but leave a gap \(span) that neither covers"
        case .windowOverlap(let first, let second, let span):
            return "windows '\(first)' and '\(second)' are chained by rules but overlap in \(span)"
        }
    }

    /// `file:line:col: error: message` (or `warning:`).
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    private static func list(_ names: [String]) -> String {
        names.count <= 4 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + ", …, " + names[names.count - 1]
    }

    private static func didYouMean(_ suggestion: String?, prefix: String = "") -> String {
        suggestion.map { "; did you mean '\(prefix)\($0)'?" } ?? ""
    }
}

/// Every error (or warning) found in a set of policy files, in file and line order.
public struct PolicyDiagnostics: Error, Sendable, Hashable, CustomStringConvertible {
    /// The diagnostics, in file and line order.
    public var diagnostics: [PolicyDiagnostic]

    /// The diagnostics given, sorted by location.
    public init(_ diagnostics: [PolicyDiagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    /// One line per error.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// Each error followed by its source line and a caret under the column, as compilers print them.
    public func rendered(sources: [PolicySource]) -> String {
        let byPath = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [String] = []
        for diagnostic in diagnostics {
            out.append(diagnostic.description)
            if let source = byPath[diagnostic.location.file] {
                let line = source.line(diagnostic.location.line)
                out.append(line)
                let indent = line.unicodeScalars.prefix(diagnostic.location.column - 1).map { $0 == "\t" ? "\t" : " " }
                out.append(indent.joined() + "^")
            }
        }
        var counts: [String] = []
        for severity in [PolicyDiagnostic.Severity.error, .warning] {
            let count = diagnostics.filter { $0.severity == severity }.count
            if count > 0 || (severity == .error && diagnostics.isEmpty) {
                counts.append("\(count) \(severity.rawValue)\(count == 1 ? "" : "s")")
            }
        }
        out.append(counts.joined(separator: ", "))
        return out.joined(separator: "\n")
    }
}
