import AdmitDomain
import Testing

@testable import AdmitRules

/// `explain` is `explanation` (a `DecisionCode`, computed over the compiled program) put into
/// words by `render`. These tests hold it to the tree-walking `explain` of earlier versions,
/// kept here as the oracle, word for word, on random rule sets, users and instants; and hold the
/// code's bytes to a round trip.
@Suite struct ExplanationTests {
    @Test(arguments: [11, 12, 13, 14])
    func codeAndRenderGiveTheTreeWalksWords(seed: UInt64) {
        var random = DecisionProgramTests.Random(seed: seed)
        let lectures = Fixtures.catalog.lectureIDs.compactMap { Fixtures.catalog.lecture($0) }
        for _ in 0..<300 {
            let rules = (0..<Int.random(in: 0...5, using: &random)).map { index in
                DecisionProgramTests.rule(
                    index, Bool.random(using: &random) ? .permit : .forbid, DecisionProgramTests.scope(lectures, &random),
                    (0..<Int.random(in: 0...3, using: &random)).map { _ in DecisionProgramTests.condition(depth: 2, &random) },
                    action: [nil, Action.open, .enrol].randomElement(using: &random)!)
            }
            let policy = PolicySet(windows: DecisionProgramTests.accessWindows, rules: rules, catalog: Fixtures.catalog)
            for _ in 0..<20 {
                let facts = DecisionProgramTests.facts(&random)
                let at = Instant(
                    millisecondsSinceEpoch: Int64.random(in: DecisionProgramTests.from..<DecisionProgramTests.until, using: &random))
                let lecture = lectures.randomElement(using: &random)!
                let request = Bool.random(using: &random) ? AccessRequest.open(lecture, at: at) : .enrol(in: lecture.package, at: at)
                let code = policy.explanation(request, facts: facts)
                #expect(policy.explain(request, facts: facts) == policy.referenceExplain(request, facts: facts), "\(rules)")
                #expect(DecisionCode(bytes: code.bytes) == code)
                #expect(code.effect == policy.decide(request, facts: facts).effect)
            }
        }
    }

    @Test func theShippedPolicyAroundEveryEdge() {
        let instants = [
            "2020-11-07T23:59:59.999+01:00", "2020-11-08T00:00:00+01:00", "2020-11-09T10:00:00+01:00", "2020-11-15T12:00:00+01:00",
            "2020-11-20T23:59:59.999+01:00", "2020-11-21T00:00:00+01:00", "2021-03-01T00:00:00Z",
        ].map(Fixtures.instant)
        for facts in [Fixtures.ada, Fixtures.ben, Fixtures.cleo, Fixtures.dan] {
            for at in instants {
                for request in [AccessRequest.open(Fixtures.lecture, at: at), .enrol(in: "idor-2020", at: at)] {
                    #expect(Fixtures.shipped.explain(request, facts: facts) == Fixtures.shipped.referenceExplain(request, facts: facts))
                }
            }
        }
    }

    @Test func theWordsReadOnlyTheValues() {
        // Same code, request and values, different facts otherwise: the same words.
        let at = Fixtures.instant("2020-11-25T12:00:00+01:00")
        let request = AccessRequest.open(Fixtures.lecture, at: at)
        var other = Fixtures.ben
        other.country = CountryCode("DE")
        let codes = [Fixtures.ben, other].map { Fixtures.shipped.explanation(request, facts: $0) }
        #expect(codes[0] == codes[1])
        let values = [Fixtures.ben, other].map { Fixtures.shipped.values(of: codes[0], request, facts: $0) }
        #expect(values[0] == values[1])
        #expect(Fixtures.shipped.render(codes[0], request, values: values[0]) == Fixtures.shipped.explain(request, facts: other))
    }

    @Test func typicalCodesAreAFewBytes() {
        let inWindow = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-15T12:00:00+01:00"))
        let after = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-25T12:00:00+01:00"))
        #expect(Fixtures.shipped.explanation(inWindow, facts: Fixtures.ada).bytes.count == 4)
        #expect(Fixtures.shipped.explanation(after, facts: Fixtures.ada).bytes.count <= 8)
    }

    @Test(arguments: [[UInt8](), [1], [1, 1], [1, 99, 1, 0], [0, 1], [0, 1, 1], [0, 0, 0], [1, 1, 1, 0, 0]])
    func malformedBytesAreNotACode(bytes: [UInt8]) {
        #expect(DecisionCode(bytes: bytes) == nil)
    }
}

extension PolicySet {
    /// Decides `request` and says why: the deciding rules, reason codes and messages, and for a
    /// deny the permit that came closest to granting with the clauses of it that failed.
    ///
    /// The effect is always the one `decide(_:facts:)` gives.
    func referenceExplain(_ request: AccessRequest, facts: Facts) -> Decision {
        var forbidding: [(Int, Truth)] = []
        var granting: [Int] = []
        var failedPermits: [Int] = []
        var coveringPermits: [Int] = []
        for (index, rule) in rules.enumerated() where rule.target.covers(request) {
            let truth = rule.evaluate(facts, at: request.at, windows: spans)
            switch (rule.effect, truth) {
            case (.forbid, .yes), (.forbid, .failed): forbidding.append((index, truth))
            case (.permit, .yes): granting.append(index)
            case (.permit, .failed): failedPermits.append(index)
            case (.forbid, .no): break
            case (.permit, .no): break
            }
            if rule.effect == .permit { coveringPermits.append(index) }
        }
        if forbidding.isEmpty, !granting.isEmpty {
            let ids = granting.map { rules[$0].id }
            let reasons = granting.map {
                Reason(code: .permitted, rule: rules[$0].id, message: "permit '\(rules[$0].id)' applies")
            }
            return Decision(effect: .allow, reasons: reasons, determiningRules: ids, nearestMiss: nil)
        }
        var reasons: [Reason] = []
        for (index, truth) in forbidding {
            let id = rules[index].id
            if truth == .yes {
                reasons.append(Reason(code: .forbidden, rule: id, message: "forbid '\(id)' applies"))
            } else {
                let cause = referenceFirstFailure(in: rules[index], request, facts).map { ": \($0.message)" } ?? ""
                reasons.append(Reason(code: .forbidFailed, rule: id, message: "forbid '\(id)' could not be evaluated\(cause)"))
            }
        }
        if forbidding.isEmpty {
            if coveringPermits.isEmpty {
                reasons.append(Reason(code: .noApplicableRule, rule: nil, message: "no permit covers \(referenceDescribe(request))"))
            } else {
                reasons.append(Reason(code: .noPermit, rule: nil, message: "no permit applies to \(referenceDescribe(request))"))
            }
        }
        for index in failedPermits {
            let id = rules[index].id
            let cause = referenceFirstFailure(in: rules[index], request, facts).map { ": \($0.message)" } ?? ""
            reasons.append(Reason(code: .permitFailed, rule: id, message: "permit '\(id)' could not be evaluated\(cause)"))
        }
        return Decision(
            effect: .deny, reasons: reasons, determiningRules: forbidding.map { rules[$0.0].id },
            nearestMiss: referenceNearestMiss(among: coveringPermits, request, facts))
    }

    /// The covering permit with the fewest failed clauses (the first in source order on a tie).
    private func referenceNearestMiss(among permits: [Int], _ request: AccessRequest, _ facts: Facts) -> NearestMiss? {
        var best: NearestMiss?
        for index in permits {
            let rule = rules[index]
            let failed = rule.clauses.compactMap { clause -> Reason? in
                let truth = clause.condition.evaluate(facts, at: request.at, windows: spans)
                return truth == .yes ? nil : referenceExplainFailure(of: clause, truth, rule: rule.id, request, facts)
            }
            if failed.isEmpty { continue }  // the permit applies; a forbid decided
            if best == nil || failed.count < best?.failedClauses.count ?? .max {
                best = NearestMiss(rule: rule.id, failedClauses: failed)
            }
        }
        return best
    }

    private func referenceFirstFailure(in rule: Rule, _ request: AccessRequest, _ facts: Facts) -> Reason? {
        for clause in rule.clauses {
            let truth = clause.condition.evaluate(facts, at: request.at, windows: spans)
            if truth != .yes { return referenceExplainFailure(of: clause, truth, rule: rule.id, request, facts) }
        }
        return nil
    }

    /// A reason for one clause that was false (or failed) for this request.
    private func referenceExplainFailure(of clause: Clause, _ truth: Truth, rule: RuleID, _ request: AccessRequest, _ facts: Facts)
        -> Reason
    {
        let at = request.at
        func reason(_ code: ReasonCode, _ message: String) -> Reason { Reason(code: code, rule: rule, message: message) }
        switch clause.condition {
        case .inWindow(let index):
            let window = windows[index]
            if at < window.span.start {
                return reason(.windowNotYetOpen, "window '\(window.name)' opens at \(window.span.start.formatted(in: window.zone))")
            }
            return reason(.windowClosed, "window '\(window.name)' closed at \(window.span.end.formatted(in: window.zone))")
        case .not(.inWindow(let index)):
            let window = windows[index]
            return reason(.windowOpen, "window '\(window.name)' is open until \(window.span.end.formatted(in: window.zone))")
        case .enrolled(let package):
            let zone = catalog.package(package)?.zone ?? .utc
            let mine = facts.enrolments.filter { $0.package == package }
            if let later = mine.filter({ $0.enrolledAt > at }).map(\.enrolledAt).min() {
                return reason(.enrolledLater, "user enrolled in '\(package)' only at \(later.formatted(in: zone))")
            }
            if let withdrawn = mine.compactMap(\.withdrawnAt).filter({ $0 <= at }).max() {
                return reason(.enrolmentWithdrawn, "user's enrolment in '\(package)' was withdrawn at \(withdrawn.formatted(in: zone))")
            }
            return reason(.notEnrolled, "user is not enrolled in '\(package)'")
        case .not(.enrolled(let package)):
            return reason(.enrolled, "user is enrolled in '\(package)'")
        case .country where truth == .failed, .not(.country) where truth == .failed:
            return reason(.attributeMissing, "user has no country (`\(clause.text)` cannot be evaluated)")
        case .account, .not(.account):
            return reason(.attributeMismatch, "user.account is '\(facts.account.rawValue)' (needs `\(clause.text)`)")
        case .profession, .not(.profession):
            return reason(.attributeMismatch, "user.profession is '\(facts.profession.rawValue)' (needs `\(clause.text)`)")
        case .country, .not(.country):
            return reason(.attributeMismatch, "user.country is '\(facts.country?.rawValue ?? "")' (needs `\(clause.text)`)")
        case .subscription, .not(.subscription):
            return reason(.attributeMismatch, "user.subscription is '\(facts.subscription)' (needs `\(clause.text)`)")
        default:
            if truth == .failed {
                return reason(.attributeMissing, "`\(clause.text)` cannot be evaluated: the user lacks an attribute it reads")
            }
            return reason(.conditionFalse, "`\(clause.text)` is false")
        }
    }

    private func referenceDescribe(_ request: AccessRequest) -> String {
        switch request.action {
        case .open: return "opening lecture '\(request.lecture?.rawValue ?? "?")'"
        case .enrol: return "enrolling in package '\(request.package)'"
        }
    }
}
