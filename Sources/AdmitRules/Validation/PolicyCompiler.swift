import AdmitDomain

/// Compiles parsed policy files into a `PolicySet`: resolves every name against the domain
/// schema and the catalog, checks what can be checked, and builds the windows and rules (a
/// `PolicySet` exists only from policies that passed).
///
/// It reports every error it finds: unknown attributes or values, unknown packages or lectures,
/// undefined or duplicate windows, unknown zones, local times that a zone skips or repeats, windows
/// that end before they start, duplicate rule ids, and rules that can never apply; then the
/// warnings of `PolicyLint`.
struct PolicyCompiler {
    let catalog: Catalog
    var diagnostics: [PolicyDiagnostic] = []
    private var windowSyntax: [WindowSyntax] = []
    private var ruleSyntax: [RuleSyntax] = []

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    mutating func add(_ syntax: PolicySyntax) {
        windowSyntax += syntax.windows
        ruleSyntax += syntax.rules
    }

    mutating func finish() throws(PolicyDiagnostics) -> PolicySet {
        let windows = resolveWindows()
        let windowIndex = Dictionary(windows.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var rules: [Rule] = []
        var seen: [String: SourceLocation] = [:]
        for syntax in ruleSyntax {
            if let previous = seen[syntax.id.value] {
                diagnostics.append(PolicyDiagnostic(syntax.id.location, .duplicateRule(syntax.id.value, previous: previous)))
                continue
            }
            seen[syntax.id.value] = syntax.id.location
            guard let rule = compile(syntax, windowIndex: windowIndex) else { continue }
            if !Satisfiability.canBeTrue(rule.clauses.map(\.condition), windows: windows.map(\.span)) {
                diagnostics.append(PolicyDiagnostic(syntax.id.location, .neverApplies(rule: syntax.id.value)))
                continue
            }
            rules.append(rule)
        }
        for permit in rules where permit.effect == .permit {
            if let forbid = rules.first(where: {
                $0.effect == .forbid && $0.clauses.isEmpty && permit.target.isCovered(by: $0.target)
            }) {
                diagnostics.append(
                    PolicyDiagnostic(permit.location, .neverGrants(rule: permit.id.rawValue, forbid: forbid.id.rawValue)))
            }
        }
        if !diagnostics.isEmpty { throw PolicyDiagnostics(diagnostics) }
        let windowLocations = windows.map { window in windowSyntax.first { $0.name.value == window.name }!.name.location }
        let lint = PolicyLint(windows: windows, windowLocations: windowLocations, rules: rules, catalog: catalog)
        return PolicySet(windows: windows, rules: rules, catalog: catalog, warnings: lint.warnings())
    }

    // MARK: Windows

    private mutating func resolveWindows() -> [AccessWindow] {
        var windows: [AccessWindow] = []
        var seen: [String: SourceLocation] = [:]
        for syntax in windowSyntax {
            if let previous = seen[syntax.name.value] {
                diagnostics.append(PolicyDiagnostic(syntax.name.location, .duplicateWindow(syntax.name.value, previous: previous)))
                continue
            }
            seen[syntax.name.value] = syntax.name.location
            guard let zone = Zone(identifier: syntax.zone.value) else {
                let suggestion = Suggestions.closest(to: syntax.zone.value, in: Zone.knownIdentifiers)
                diagnostics.append(PolicyDiagnostic(syntax.zone.location, .unknownZone(syntax.zone.value, suggestion: suggestion)))
                continue
            }
            if syntax.from == nil, syntax.until == nil {
                diagnostics.append(PolicyDiagnostic(syntax.name.location, .windowWithoutBounds(syntax.name.value)))
                continue
            }
            let start = syntax.from.map { resolve($0, in: zone, end: false) } ?? Instant.min
            let end = syntax.until.map { resolve($0, in: zone, end: true) } ?? Instant.max
            guard let start, let end else { continue }
            if end <= start {
                diagnostics.append(
                    PolicyDiagnostic(
                        syntax.name.location,
                        .windowEndsBeforeStart(syntax.name.value, start: start.formatted(in: zone), end: end.formatted(in: zone))))
                continue
            }
            windows.append(AccessWindow(name: syntax.name.value, zone: zone, span: Span(start: start, end: end)))
        }
        return windows
    }

    /// The instant a bound stands for. A date as a start is the start of that day; as an end, the
    /// start of the next day (so the whole day is inside). Times are exact; an end is exclusive.
    private mutating func resolve(_ bound: Located<TimeLiteral>, in zone: Zone, end: Bool) -> Instant? {
        switch bound.value {
        case .date(let date):
            return zone.startOfDay(end ? date.nextDay : date)
        case .instant(let instant, _):
            return instant
        case .local(let local):
            switch zone.resolve(local) {
            case .unique(let instant): return instant
            case .skipped:
                diagnostics.append(PolicyDiagnostic(bound.location, .localTimeSkipped(local, zone: zone.identifier)))
            case .repeated:
                diagnostics.append(PolicyDiagnostic(bound.location, .localTimeRepeated(local, zone: zone.identifier)))
            }
            return nil
        }
    }

    // MARK: Rules

    private mutating func compile(_ syntax: RuleSyntax, windowIndex: [String: Int]) -> Rule? {
        let target = compile(syntax.target)
        var clauses: [Clause] = []
        if let condition = syntax.condition {
            let conjuncts: [ConditionSyntax]
            if case .and(let parts, _) = condition { conjuncts = parts } else { conjuncts = [condition] }
            var valid = true
            for conjunct in conjuncts {
                if let compiled = compile(conjunct, windowIndex: windowIndex) {
                    clauses.append(Clause(condition: compiled, text: conjunct.source.value))
                } else {
                    valid = false
                }
            }
            guard valid else { return nil }
        }
        guard let target else { return nil }
        return Rule(id: RuleID(syntax.id.value), effect: syntax.effect, target: target, location: syntax.location, clauses: clauses)
    }

    private mutating func compile(_ target: TargetSyntax) -> Target? {
        switch target {
        case .any: return Target(action: nil, scope: .any)
        case .anyLecture: return Target(action: .open, scope: .any)
        case .enrolInAnyPackage: return Target(action: .enrol, scope: .any)
        case .lecture(let id):
            guard checkLecture(id) else { return nil }
            return Target(action: .open, scope: .lecture(LectureID(id.value)))
        case .lecturesInPackage(let id):
            guard checkPackage(id) else { return nil }
            return Target(action: .open, scope: .package(PackageID(id.value)))
        case .enrolInPackage(let id):
            guard checkPackage(id) else { return nil }
            return Target(action: .enrol, scope: .package(PackageID(id.value)))
        }
    }

    private mutating func checkPackage(_ id: Located<String>) -> Bool {
        guard catalog.package(PackageID(id.value)) == nil else { return true }
        let suggestion = Suggestions.closest(to: id.value, in: catalog.packages.map(\.id.rawValue))
        diagnostics.append(PolicyDiagnostic(id.location, .unknownPackage(id.value, suggestion: suggestion)))
        return false
    }

    private mutating func checkLecture(_ id: Located<String>) -> Bool {
        guard catalog.lecture(LectureID(id.value)) == nil else { return true }
        let suggestion = Suggestions.closest(to: id.value, in: catalog.lectureIDs.map(\.rawValue))
        diagnostics.append(PolicyDiagnostic(id.location, .unknownLecture(id.value, suggestion: suggestion)))
        return false
    }

    /// Compiles a condition, reporting every error in it; nil when any part is invalid.
    private mutating func compile(_ syntax: ConditionSyntax, windowIndex: [String: Int]) -> Condition? {
        switch syntax {
        case .and(let parts, _), .or(let parts, _):
            let compiled = parts.map { compile($0, windowIndex: windowIndex) }
            let valid = compiled.compactMap { $0 }
            guard valid.count == parts.count else { return nil }
            if case .and = syntax { return .all(valid) }
            return .any(valid)
        case .not(let inner, _):
            return compile(inner, windowIndex: windowIndex).map { .not($0) }
        case .inWindow(let name, _):
            guard let index = windowIndex[name.value] else {
                // A window that is defined but invalid has its own error already.
                if !windowSyntax.contains(where: { $0.name.value == name.value }) {
                    let suggestion = Suggestions.closest(to: name.value, in: windowSyntax.map(\.name.value))
                    diagnostics.append(PolicyDiagnostic(name.location, .undefinedWindow(name.value, suggestion: suggestion)))
                }
                return nil
            }
            return .inWindow(index)
        case .enrolled(let package, _):
            guard checkPackage(package) else { return nil }
            return .enrolled(PackageID(package.value))
        case .attribute(let name, let comparison, let values, _):
            return compileAttribute(name, comparison, values)
        }
    }

    private mutating func compileAttribute(
        _ name: Located<String>, _ comparison: ConditionSyntax.Comparison, _ values: [Located<String>]
    ) -> Condition? {
        guard let attribute = Schema.Attribute(rawValue: name.value) else {
            let suggestion = Suggestions.closest(to: name.value, in: Schema.attributeNames)
            diagnostics.append(PolicyDiagnostic(name.location, .unknownAttribute(name.value, suggestion: suggestion)))
            return nil
        }
        var valid = true
        for value in values {
            if let expected = Schema.problem(with: value.value, for: attribute) {
                diagnostics.append(
                    PolicyDiagnostic(value.location, .unknownValue(attribute: name.value, value: value.value, expected: expected)))
                valid = false
            }
        }
        guard valid else { return nil }
        let raw = values.map(\.value)
        let positive: Condition
        switch attribute {
        case .account:
            positive = .account(raw.compactMap(AccountState.init(rawValue:)).reduce(0) { $0 | Condition.bit($1) })
        case .profession:
            positive = .profession(raw.compactMap(Profession.init(rawValue:)).reduce(0) { $0 | Condition.bit($1) })
        case .country:
            positive = .country(raw.compactMap(CountryCode.init))
        case .subscription:
            positive = .subscription(raw.compactMap(Subscription.init))
        }
        switch comparison {
        case .equal, .isIn: return positive
        case .notEqual, .isNotIn: return .not(positive)
        }
    }
}
