import AdmitDomain

/// A validated set of policy files, ready to answer requests.
///
/// Built only by `compile(_:catalog:)`, so a `PolicySet` is always free of the errors the
/// `PolicyCompiler` looks for. It is a pure value: it reads no clock, file or database; the instant and
/// the facts about the user come with each request.
public struct PolicySet: Sendable {
    /// The windows of all files, in source order.
    public let windows: [AccessWindow]
    /// The rules of all files, in source order.
    public let rules: [Rule]
    /// The packages and lectures the policy was validated against.
    public let catalog: Catalog
    /// `windows[i].span`, kept contiguous for evaluation.
    let spans: [Span]
    /// The rules compiled for `decide`.
    let program: DecisionProgram
    /// What is valid but most likely not meant (`PolicyLint`), in file and line order.
    public let warnings: [PolicyDiagnostic]

    init(windows: [AccessWindow], rules: [Rule], catalog: Catalog, warnings: [PolicyDiagnostic] = []) {
        self.windows = windows
        self.rules = rules
        self.catalog = catalog
        self.warnings = warnings.sorted { $0.location < $1.location }
        spans = windows.map(\.span)
        program = DecisionProgram(rules: rules)
    }

    /// Parses and validates `sources` against `catalog`; throws every error found in any of them.
    public static func compile(_ sources: [PolicySource], catalog: Catalog) throws(PolicyDiagnostics) -> PolicySet {
        var compiler = PolicyCompiler(catalog: catalog)
        for source in sources {
            let (syntax, diagnostics) = PolicyParser.parse(source)
            compiler.diagnostics += diagnostics
            compiler.add(syntax)
        }
        return try compiler.finish()
    }

    /// The rule with this id.
    public func rule(_ id: RuleID) -> Rule? { rules.first { $0.id == id } }

    /// The window with this name.
    public func window(named name: String) -> AccessWindow? { windows.first { $0.name == name } }
}

extension Action {
    /// The action's position in `Action.allCases`, for per-action tables.
    var index: Int {
        switch self {
        case .open: return 0
        case .enrol: return 1
        }
    }
}
