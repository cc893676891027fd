import AdmitDomain

/// The rules compiled for `decide`: flat arrays of trivially copyable values, so that deciding
/// neither allocates nor touches a reference count.
///
/// `Rule` and `Condition` keep what `explain` needs (clause texts, nested enums whose payloads are
/// arrays and boxes). Walking them copies those payloads, and every copy is a retain and a release:
/// most of `decide`'s time went there. This is the same logic over indices. A rule's condition is
/// an `all` over its clauses, written in pre-order as `Step`s that each know where their subtree
/// ends; the identifiers and values it compares against sit in side tables.
struct DecisionProgram: Sendable {
    /// One rule as `decide` walks it.
    struct Entry: Sendable {
        /// The rule's index in `PolicySet.rules`.
        var rule: Int
        var scope: Scope
        /// The index in `steps` of the rule's condition.
        var condition: Int
    }

    /// A rule's scope, with its identifier as an index into `packages` or `lectures`.
    enum Scope: Sendable {
        case any
        case package(Int)
        case lecture(Int)
    }

    /// One node of a condition; its operands follow it, and `end` is the index just past its subtree.
    struct Step: Sendable {
        var operation: Operation
        var end: Int
    }

    /// What a step tests; ranges and indices point into the side tables.
    enum Operation: Sendable {
        case all
        case any
        case not
        case account(UInt8)
        case profession(UInt8)
        case country(Range<Int>)
        case subscription(Range<Int>)
        case enrolled(Int)
        case inWindow(Int)
    }

    private(set) var entries: [Entry] = []
    /// For each action (by `Action.index`), its forbids' and its permits' positions in `entries`.
    private(set) var forbids: [Range<Int>] = []
    private(set) var permits: [Range<Int>] = []
    private(set) var steps: [Step] = []
    private(set) var packages: [PackageID] = []
    private(set) var lectures: [LectureID] = []
    private(set) var countries: [CountryCode] = []
    private(set) var subscriptions: [Subscription] = []

    /// Compiles `rules`, keeping their order within each action and effect.
    init(rules: [Rule]) {
        for action in Action.allCases {
            for effect in [RuleEffect.forbid, .permit] {
                let start = entries.count
                for (index, rule) in rules.enumerated() where rule.effect == effect && (rule.target.action ?? action) == action {
                    let condition = steps.count
                    append(.all(rule.clauses.map(\.condition)))
                    entries.append(Entry(rule: index, scope: scope(rule.target.scope), condition: condition))
                }
                if effect == .forbid { forbids.append(start..<entries.count) } else { permits.append(start..<entries.count) }
            }
        }
    }

    private mutating func scope(_ scope: Target.Scope) -> Scope {
        switch scope {
        case .any: return .any
        case .package(let package): return .package(intern(package))
        case .lecture(let lecture):
            lectures.append(lecture)
            return .lecture(lectures.count - 1)
        }
    }

    private mutating func intern(_ package: PackageID) -> Int {
        if let index = packages.firstIndex(of: package) { return index }
        packages.append(package)
        return packages.count - 1
    }

    /// Appends `condition` and its operands in pre-order.
    private mutating func append(_ condition: Condition) {
        let position = steps.count
        steps.append(Step(operation: .all, end: position + 1))
        switch condition {
        case .all(let parts):
            parts.forEach { append($0) }
        case .any(let parts):
            steps[position].operation = .any
            parts.forEach { append($0) }
        case .not(let inner):
            steps[position].operation = .not
            append(inner)
        case .account(let states):
            steps[position].operation = .account(states)
        case .profession(let professions):
            steps[position].operation = .profession(professions)
        case .country(let codes):
            steps[position].operation = .country(countries.count..<(countries.count + codes.count))
            countries += codes
        case .subscription(let plans):
            steps[position].operation = .subscription(subscriptions.count..<(subscriptions.count + plans.count))
            subscriptions += plans
        case .enrolled(let package):
            steps[position].operation = .enrolled(intern(package))
        case .inWindow(let index):
            steps[position].operation = .inWindow(index)
        }
        steps[position].end = steps.count
    }
}

extension DecisionProgram {
    /// `PolicySet.decide`: forbids first (one that applies or fails denies), then permits.
    func decide(_ request: AccessRequest, facts: Facts, windows: [Span]) -> Verdict {
        let action = request.action.index
        for position in forbids[action] where covers(entries[position].scope, request) {
            switch evaluate(entries[position].condition, facts, request.at, windows) {
            case .yes: return Verdict(effect: .deny, code: .forbidden, ruleIndex: entries[position].rule)
            case .failed: return Verdict(effect: .deny, code: .forbidFailed, ruleIndex: entries[position].rule)
            case .no: continue
            }
        }
        for position in permits[action] where covers(entries[position].scope, request) {
            if evaluate(entries[position].condition, facts, request.at, windows) == .yes {
                return Verdict(effect: .allow, code: .permitted, ruleIndex: entries[position].rule)
            }
        }
        return Verdict(effect: .deny, code: .noPermit, ruleIndex: nil)
    }

    /// `Target.covers` without the action, which `forbids` and `permits` have already matched.
    func covers(_ scope: Scope, _ request: AccessRequest) -> Bool {
        switch scope {
        case .any: return true
        case .package(let index): return packages[index] == request.package
        case .lecture(let index): return lectures[index] == request.lecture
        }
    }

    /// `Condition.evaluate` for the subtree at `position`: the same order, short cuts and failures.
    func evaluate(_ position: Int, _ facts: Facts, _ instant: Instant, _ windows: [Span]) -> Truth {
        let step = steps[position]
        switch step.operation {
        case .all:
            var operand = position + 1
            while operand < step.end {
                let truth = evaluate(operand, facts, instant, windows)
                if truth != .yes { return truth }
                operand = steps[operand].end
            }
            return .yes
        case .any:
            var operand = position + 1
            while operand < step.end {
                let truth = evaluate(operand, facts, instant, windows)
                if truth != .no { return truth }
                operand = steps[operand].end
            }
            return .no
        case .not:
            switch evaluate(position + 1, facts, instant, windows) {
            case .yes: return .no
            case .no: return .yes
            case .failed: return .failed
            }
        case .account(let states):
            return states & Condition.bit(facts.account) != 0 ? .yes : .no
        case .profession(let professions):
            return professions & Condition.bit(facts.profession) != 0 ? .yes : .no
        case .country(let range):
            guard let country = facts.country else { return .failed }
            for index in range where countries[index] == country { return .yes }
            return .no
        case .subscription(let range):
            for index in range where subscriptions[index] == facts.subscription { return .yes }
            return .no
        case .enrolled(let package):
            for index in facts.enrolments.indices
            where facts.enrolments[index].package == packages[package] && facts.enrolments[index].counts(at: instant) {
                return .yes
            }
            return .no
        case .inWindow(let index):
            return windows[index].contains(instant) ? .yes : .no
        }
    }
}
