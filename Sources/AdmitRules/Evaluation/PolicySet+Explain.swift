import AdmitDomain

/// What the words of a decision take from the user's facts, one per clause a `DecisionCode`
/// names (`PolicySet.values(of:_:facts:)`).
///
/// `PolicySet.render(_:_:values:)` reads nothing else about the user, so two decisions with equal
/// codes, requests (but for the instant) and values have the same words: a cache may key the
/// rendered text by them.
public enum ReasonValue: Sendable, Hashable {
    /// The words need nothing from the facts.
    case none
    /// `enrolled-later`: the earliest enrolment after the instant; `enrolment-withdrawn`: the
    /// latest withdrawal at or before it.
    case instant(Instant?)
    case account(AccountState)
    case profession(Profession)
    case country(CountryCode?)
    case subscription(Subscription)
}

extension PolicySet {
    /// Decides `request` and says why: the deciding rules, reason codes and messages, and for a
    /// deny the permit that came closest to granting with the clauses of it that failed.
    ///
    /// The effect is always the one `decide(_:facts:)` gives. It is `explanation` put into words.
    public func explain(_ request: AccessRequest, facts: Facts) -> Decision {
        render(explanation(request, facts: facts), request, facts: facts)
    }

    /// Why `request` is decided as it is, in numbers: what the audit log stores of a decision.
    public func explanation(_ request: AccessRequest, facts: Facts) -> DecisionCode {
        program.explain(request, facts: facts, windows: spans)
    }

    /// `code` (made by this policy set for `request` and `facts`) in words.
    public func render(_ code: DecisionCode, _ request: AccessRequest, facts: Facts) -> Decision {
        render(code, request, values: values(of: code, request, facts: facts))
    }

    /// What the words of `code` take from `facts`, one value per clause the code names, in order;
    /// empty when none of them needs anything (then no array is allocated).
    public func values(of code: DecisionCode, _ request: AccessRequest, facts: Facts) -> [ReasonValue] {
        var values: [ReasonValue] = []
        var position = 0
        code.forEachClause { rule, clause in
            let value = self.value(rule: rule, clause: clause, request, facts)
            if value != .none {
                while values.count < position { values.append(.none) }
                values.append(value)
            }
            position += 1
        }
        return values
    }

    private func value(rule: Int, clause: DecisionCode.Clause, _ request: AccessRequest, _ facts: Facts) -> ReasonValue {
        guard rules.indices.contains(rule), rules[rule].clauses.indices.contains(clause.index) else { return .none }
        switch (clause.code, rules[rule].clauses[clause.index].condition) {
        case (.enrolledLater, .enrolled(let package)):
            var earliest: Instant?
            for enrolment in facts.enrolments where enrolment.package == package && enrolment.enrolledAt > request.at {
                earliest = Swift.min(earliest ?? .max, enrolment.enrolledAt)
            }
            return .instant(earliest)
        case (.enrolmentWithdrawn, .enrolled(let package)):
            var latest: Instant?
            for enrolment in facts.enrolments where enrolment.package == package {
                if let end = enrolment.withdrawnAt, end <= request.at { latest = Swift.max(latest ?? .min, end) }
            }
            return .instant(latest)
        case (.attributeMismatch, .account), (.attributeMismatch, .not(.account)): return .account(facts.account)
        case (.attributeMismatch, .profession), (.attributeMismatch, .not(.profession)): return .profession(facts.profession)
        case (.attributeMismatch, .country), (.attributeMismatch, .not(.country)): return .country(facts.country)
        case (.attributeMismatch, .subscription), (.attributeMismatch, .not(.subscription)): return .subscription(facts.subscription)
        default: return .none
        }
    }

    /// `code` in words, given what they take from the user's facts (`values(of:_:facts:)`).
    ///
    /// Reads neither the facts nor `request.at`: only the policy, the request's action and
    /// resource, and `values`. A code that names rules or clauses this policy set does not have
    /// (a damaged row) is rendered as such rather than trapping.
    public func render(_ code: DecisionCode, _ request: AccessRequest, values: [ReasonValue]) -> Decision {
        var remaining = values[...]
        func nextValue() -> ReasonValue { remaining.popFirst() ?? .none }
        func id(_ rule: Int?) -> RuleID? {
            guard let rule else { return nil }
            return rules.indices.contains(rule) ? rules[rule].id : RuleID("#\(rule + 1)")
        }
        func failure(_ clause: DecisionCode.Clause, of rule: Int) -> String {
            clauseMessage(clause, rule: rule, value: nextValue())
        }

        var reasons: [Reason] = []
        for reason in code.reasons {
            let rule = id(reason.rule)
            let name = rule?.rawValue ?? "?"
            let message: String
            switch reason.code {
            case .permitted: message = "permit '\(name)' applies"
            case .forbidden: message = "forbid '\(name)' applies"
            case .forbidFailed, .permitFailed:
                let kind = reason.code == .forbidFailed ? "forbid" : "permit"
                let cause = reason.clause.map { ": " + failure($0, of: reason.rule ?? -1) } ?? ""
                message = "\(kind) '\(name)' could not be evaluated\(cause)"
            case .noApplicableRule: message = "no permit covers \(describe(request))"
            case .noPermit: message = "no permit applies to \(describe(request))"
            default: message = "\(reason.code.rawValue)"
            }
            reasons.append(Reason(code: reason.code, rule: rule, message: message))
        }
        let effect = code.effect
        let determining = reasons.filter { reason in
            effect == .allow ? reason.code == .permitted : reason.code == .forbidden || reason.code == .forbidFailed
        }.compactMap(\.rule)
        let miss = code.nearestMiss.map { miss in
            let rule = id(miss.rule) ?? "?"
            return NearestMiss(
                rule: rule, failedClauses: miss.clauses.map { Reason(code: $0.code, rule: rule, message: failure($0, of: miss.rule)) })
        }
        return Decision(effect: effect, reasons: reasons, determiningRules: determining, nearestMiss: miss)
    }

    /// The sentence for one clause of `rule` that was false (or failed) with `code`.
    private func clauseMessage(_ clause: DecisionCode.Clause, rule: Int, value: ReasonValue) -> String {
        guard rules.indices.contains(rule), rules[rule].clauses.indices.contains(clause.index) else {
            return "clause \(clause.index + 1) of rule #\(rule + 1) (not in this policy): \(clause.code.rawValue)"
        }
        let text = rules[rule].clauses[clause.index].text
        let condition = rules[rule].clauses[clause.index].condition
        switch (clause.code, condition) {
        case (.windowNotYetOpen, .inWindow(let index)):
            let window = windows[index]
            return "window '\(window.name)' opens at \(window.span.start.formatted(in: window.zone))"
        case (.windowClosed, .inWindow(let index)):
            let window = windows[index]
            return "window '\(window.name)' closed at \(window.span.end.formatted(in: window.zone))"
        case (.windowOpen, .not(.inWindow(let index))):
            let window = windows[index]
            return "window '\(window.name)' is open until \(window.span.end.formatted(in: window.zone))"
        case (.enrolledLater, .enrolled(let package)):
            guard case .instant(let later?) = value else { return "user enrolled in '\(package)' only later" }
            return "user enrolled in '\(package)' only at \(later.formatted(in: zone(of: package)))"
        case (.enrolmentWithdrawn, .enrolled(let package)):
            guard case .instant(let withdrawn?) = value else { return "user's enrolment in '\(package)' was withdrawn" }
            return "user's enrolment in '\(package)' was withdrawn at \(withdrawn.formatted(in: zone(of: package)))"
        case (.notEnrolled, .enrolled(let package)):
            return "user is not enrolled in '\(package)'"
        case (.enrolled, .not(.enrolled(let package))):
            return "user is enrolled in '\(package)'"
        case (.attributeMissing, .country), (.attributeMissing, .not(.country)):
            return "user has no country (`\(text)` cannot be evaluated)"
        case (.attributeMismatch, _):
            switch value {
            case .account(let account): return "user.account is '\(account.rawValue)' (needs `\(text)`)"
            case .profession(let profession): return "user.profession is '\(profession.rawValue)' (needs `\(text)`)"
            case .country(let country): return "user.country is '\(country?.rawValue ?? "")' (needs `\(text)`)"
            case .subscription(let subscription): return "user.subscription is '\(subscription)' (needs `\(text)`)"
            case .none, .instant: return "`\(text)` is false"
            }
        case (.attributeMissing, _):
            return "`\(text)` cannot be evaluated: the user lacks an attribute it reads"
        default:
            return "`\(text)` is false"
        }
    }

    private func zone(of package: PackageID) -> Zone { catalog.package(package)?.zone ?? .utc }

    private func describe(_ request: AccessRequest) -> String {
        switch request.action {
        case .open: return "opening lecture '\(request.lecture?.rawValue ?? "?")'"
        case .enrol: return "enrolling in package '\(request.package)'"
        }
    }
}
