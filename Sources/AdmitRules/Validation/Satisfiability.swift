import AdmitDomain

/// Decides whether a condition can ever be true, to catch rules that can never apply.
///
/// The condition is expanded into a disjunction of conjunctions of atoms (or their negations).
/// A conjunction is possible when, for every attribute, some value passes all its tests; no
/// package is both required and excluded; and the windows it requires overlap in some instant
/// that no window it excludes covers. Expansions beyond `termLimit` are assumed satisfiable.
enum Satisfiability {
    static let termLimit = 512

    /// Whether `clauses` (all required) can hold at the same time for some user and instant.
    static func canBeTrue(_ clauses: [Condition], windows: [Span]) -> Bool {
        guard let terms = expand(.all(clauses), positive: true) else { return true }
        return terms.contains { isPossible($0, windows: windows) }
    }

    private struct Literal {
        let atom: Condition
        let positive: Bool
    }

    /// The condition (or its negation) as a list of conjunctions; nil when it would grow too large.
    private static func expand(_ condition: Condition, positive: Bool) -> [[Literal]]? {
        switch condition {
        case .not(let inner):
            return expand(inner, positive: !positive)
        case .all(let parts), .any(let parts):
            var isConjunction = positive
            if case .any = condition { isConjunction = !positive }
            if isConjunction {
                var product: [[Literal]] = [[]]
                for part in parts {
                    guard let terms = expand(part, positive: positive) else { return nil }
                    product = product.flatMap { left in terms.map { left + $0 } }
                    if product.count > termLimit { return nil }
                }
                return product
            }
            var union: [[Literal]] = []
            for part in parts {
                guard let terms = expand(part, positive: positive) else { return nil }
                union += terms
                if union.count > termLimit { return nil }
            }
            return union
        default:
            return [[Literal(atom: condition, positive: positive)]]
        }
    }

    private static func isPossible(_ term: [Literal], windows: [Span]) -> Bool {
        var accounts: UInt8 = 0b111
        var professions: UInt8 = 0b111
        var countries = Set(CountryCode.assigned)
        var plans: Set<Subscription>?
        var excludedPlans = Set<Subscription>()
        var required = Set<PackageID>()
        var excluded = Set<PackageID>()
        var open = [Span.always]
        var closed: [Span] = []
        for literal in term {
            switch literal.atom {
            case .account(let mask): accounts &= literal.positive ? mask : ~mask
            case .profession(let mask): professions &= literal.positive ? mask : ~mask
            case .country(let list):
                let codes = Set(list.map(\.rawValue))
                countries = literal.positive ? countries.intersection(codes) : countries.subtracting(codes)
            case .subscription(let list):
                if literal.positive {
                    plans = (plans ?? Set(list)).intersection(list)
                } else {
                    excludedPlans.formUnion(list)
                }
            case .enrolled(let package):
                if literal.positive { required.insert(package) } else { excluded.insert(package) }
            case .inWindow(let index):
                if literal.positive { open = open.map { $0.intersection(windows[index]) } } else { closed.append(windows[index]) }
            case .all, .any, .not:
                return true  // `expand` never leaves these in a term
            }
        }
        if accounts == 0 || professions == 0 || countries.isEmpty { return false }
        if let plans, plans.subtracting(excludedPlans).isEmpty { return false }
        if !required.isDisjoint(with: excluded) { return false }
        var remaining = open.filter { !$0.isEmpty }
        for span in closed { remaining = remaining.flatMap { subtract(span, from: $0) } }
        return !remaining.isEmpty
    }

    /// The parts of `base` not in `cut` (zero, one or two spans).
    private static func subtract(_ cut: Span, from base: Span) -> [Span] {
        let before = Span(start: base.start, end: min(base.end, cut.start))
        let after = Span(start: max(base.start, cut.end), end: base.end)
        return [before, after].filter { !$0.isEmpty }
    }
}
