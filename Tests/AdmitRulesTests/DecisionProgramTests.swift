import AdmitDomain
import Testing

@testable import AdmitRules

/// `decide` runs a compiled copy of the rules (`DecisionProgram`); `explain` walks `Rule` and
/// `Condition`. These tests hold the two to the same answers on random conditions, rule sets,
/// users and instants, failures and short cuts included.
@Suite struct DecisionProgramTests {
    static let packages: [PackageID] = ["idor-2020", "other-2021"]
    static let countries = ["AT", "DE", "FR", "IT"].compactMap(CountryCode.init)
    static let userCountries = ["AT", "DE", "FR", "IT", "GB"].compactMap(CountryCode.init)
    static let plans = ["none", "premium", "basic"].compactMap(Subscription.init)
    static let windows = [
        Span(start: Fixtures.instant("2020-11-08T00:00:00+01:00"), end: Fixtures.instant("2020-11-21T00:00:00+01:00")),
        Span(start: Fixtures.instant("2020-11-21T00:00:00+01:00"), end: .max),
    ]
    static let from = Fixtures.instant("2020-11-01T00:00:00Z").millisecondsSinceEpoch
    static let until = Fixtures.instant("2020-12-01T00:00:00Z").millisecondsSinceEpoch

    @Test(arguments: [1, 2, 3, 4])
    func compiledConditionsAgreeWithTheTree(seed: UInt64) {
        var random = Random(seed: seed)
        for _ in 0..<500 {
            let condition = Self.condition(depth: 3, &random)
            let rule = Self.rule(0, .permit, .any, [condition])
            let program = DecisionProgram(rules: [rule])
            for _ in 0..<20 {
                let facts = Self.facts(&random)
                let instant = Instant(millisecondsSinceEpoch: Int64.random(in: Self.from..<Self.until, using: &random))
                let expected = condition.evaluate(facts, at: instant, windows: Self.windows)
                #expect(program.evaluate(program.entries[0].condition, facts, instant, Self.windows) == expected, "\(condition)")
            }
        }
    }

    @Test(arguments: [5, 6, 7])
    func decideAgreesWithExplainOnRandomRuleSets(seed: UInt64) {
        var random = Random(seed: seed)
        let lectures = Fixtures.catalog.lectureIDs.compactMap { Fixtures.catalog.lecture($0) }
        for _ in 0..<200 {
            let rules = (0..<Int.random(in: 0...5, using: &random)).map { index in
                Self.rule(
                    index, Bool.random(using: &random) ? .permit : .forbid, Self.scope(lectures, &random),
                    (0..<Int.random(in: 0...3, using: &random)).map { _ in Self.condition(depth: 2, &random) },
                    action: [nil, Action.open, .enrol].randomElement(using: &random)!)
            }
            let policy = PolicySet(windows: Self.accessWindows, rules: rules, catalog: Fixtures.catalog)
            for _ in 0..<20 {
                let facts = Self.facts(&random)
                let at = Instant(millisecondsSinceEpoch: Int64.random(in: Self.from..<Self.until, using: &random))
                let lecture = lectures.randomElement(using: &random)!
                let request = Bool.random(using: &random) ? AccessRequest.open(lecture, at: at) : .enrol(in: lecture.package, at: at)
                let verdict = policy.decide(request, facts: facts)
                let decision = policy.explain(request, facts: facts)
                #expect(verdict.effect == decision.effect)
                if let index = verdict.ruleIndex {
                    // The first deciding rule in source order, as the tree walk finds it.
                    #expect(decision.determiningRules.first == policy.rules[index].id)
                } else {
                    #expect(decision.determiningRules.isEmpty)
                }
            }
        }
    }

    @Test func theShippedPolicyAgreesOnTheDemoUsersAroundEveryEdge() {
        let instants = [
            "2020-11-07T23:59:59.999+01:00", "2020-11-08T00:00:00+01:00", "2020-11-09T10:00:00+01:00", "2020-11-15T12:00:00+01:00",
            "2020-11-20T23:59:59.999+01:00", "2020-11-21T00:00:00+01:00", "2021-03-01T00:00:00Z",
        ].map(Fixtures.instant)
        for facts in [Fixtures.ada, Fixtures.ben, Fixtures.cleo, Fixtures.dan] {
            for at in instants {
                for request in [AccessRequest.open(Fixtures.lecture, at: at), .enrol(in: "idor-2020", at: at)] {
                    #expect(Fixtures.shipped.decide(request, facts: facts).effect == Fixtures.shipped.explain(request, facts: facts).effect)
                }
            }
        }
    }

    // MARK: Random values

    static let accessWindows = windows.enumerated().map { AccessWindow(name: "w\($0.offset)", zone: .utc, span: $0.element) }

    static func rule(_ index: Int, _ effect: RuleEffect, _ scope: Target.Scope, _ conditions: [Condition], action: Action? = nil) -> Rule {
        Rule(
            id: RuleID("r\(index)"), effect: effect, target: Target(action: action, scope: scope),
            location: SourceLocation(file: "random.policy", line: index + 1, column: 1),
            clauses: conditions.map { Clause(condition: $0, text: "\($0)") })
    }

    static func scope(_ lectures: [Lecture], _ random: inout Random) -> Target.Scope {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return .any
        case 1: return .package(packages.randomElement(using: &random)!)
        default: return .lecture(lectures.randomElement(using: &random)!.id)
        }
    }

    static func condition(depth: Int, _ random: inout Random) -> Condition {
        let kind = Int.random(in: depth == 0 ? 3..<9 : 0..<9, using: &random)
        func parts() -> [Condition] { (0..<Int.random(in: 0...3, using: &random)).map { _ in condition(depth: depth - 1, &random) } }
        switch kind {
        case 0: return .all(parts())
        case 1: return .any(parts())
        case 2: return .not(condition(depth: depth - 1, &random))
        case 3: return .account(UInt8.random(in: 0..<8, using: &random))
        case 4: return .profession(UInt8.random(in: 0..<8, using: &random))
        case 5: return .country(countries.filter { _ in Bool.random(using: &random) })
        case 6: return .subscription(plans.filter { _ in Bool.random(using: &random) })
        case 7: return .enrolled(packages.randomElement(using: &random)!)
        default: return .inWindow(Int.random(in: 0..<windows.count, using: &random))
        }
    }

    static func facts(_ random: inout Random) -> Facts {
        var user = Fixtures.user(1, "random@example.org")
        user.account = AccountState.allCases.randomElement(using: &random)!
        user.profession = Profession.allCases.randomElement(using: &random)!
        user.country = Bool.random(using: &random) ? nil : userCountries.randomElement(using: &random)
        user.subscription = plans.randomElement(using: &random)!
        let enrolments = (0..<Int.random(in: 0...2, using: &random)).map { _ in
            let at = Instant(millisecondsSinceEpoch: Int64.random(in: from..<until, using: &random))
            let later = at.adding(milliseconds: Int64.random(in: 1...(5 * 86_400_000), using: &random))
            let withdrawn = Bool.random(using: &random) ? later : nil
            let package = packages.randomElement(using: &random)!
            return Enrolment(user: user.id, package: package, enrolledAt: at, source: .self, withdrawnAt: withdrawn)
        }
        return Facts(user: user, enrolments: enrolments)
    }

    /// SplitMix64: the same cases on every run.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
