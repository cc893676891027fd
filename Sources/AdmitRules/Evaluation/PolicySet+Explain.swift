import AdmitDomain

extension PolicySet {
    /// Decides `request` and says why: the deciding rules, reason codes and messages, and for a
    /// deny the permit that came closest to granting with the clauses of it that failed.
    ///
    /// The effect is always the one `decide(_:facts:)` gives.
    public func explain(_ request: AccessRequest, facts: Facts) -> Decision {
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
                let cause = firstFailure(in: rules[index], request, facts).map { ": \($0.message)" } ?? ""
                reasons.append(Reason(code: .forbidFailed, rule: id, message: "forbid '\(id)' could not be evaluated\(cause)"))
            }
        }
        if forbidding.isEmpty {
            if coveringPermits.isEmpty {
                reasons.append(Reason(code: .noApplicableRule, rule: nil, message: "no permit covers \(describe(request))"))
            } else {
                reasons.append(Reason(code: .noPermit, rule: nil, message: "no permit applies to \(describe(request))"))
            }
        }
        for index in failedPermits {
            let id = rules[index].id
            let cause = firstFailure(in: rules[index], request, facts).map { ": \($0.message)" } ?? ""
            reasons.append(Reason(code: .permitFailed, rule: id, message: "permit '\(id)' could not be evaluated\(cause)"))
        }
        return Decision(
            effect: .deny, reasons: reasons, determiningRules: forbidding.map { rules[$0.0].id },
            nearestMiss: nearestMiss(among: coveringPermits, request, facts))
    }

    /// The covering permit with the fewest failed clauses (the first in source order on a tie).
    private func nearestMiss(among permits: [Int], _ request: AccessRequest, _ facts: Facts) -> NearestMiss? {
        var best: NearestMiss?
        for index in permits {
            let rule = rules[index]
            let failed = rule.clauses.compactMap { clause -> Reason? in
                let truth = clause.condition.evaluate(facts, at: request.at, windows: spans)
                return truth == .yes ? nil : explainFailure(of: clause, truth, rule: rule.id, request, facts)
            }
            if failed.isEmpty { continue }  // the permit applies; a forbid decided
            if best == nil || failed.count < best?.failedClauses.count ?? .max {
                best = NearestMiss(rule: rule.id, failedClauses: failed)
            }
        }
        return best
    }

    private func firstFailure(in rule: Rule, _ request: AccessRequest, _ facts: Facts) -> Reason? {
        for clause in rule.clauses {
            let truth = clause.condition.evaluate(facts, at: request.at, windows: spans)
            if truth != .yes { return explainFailure(of: clause, truth, rule: rule.id, request, facts) }
        }
        return nil
    }

    /// A reason for one clause that was false (or failed) for this request.
    private func explainFailure(of clause: Clause, _ truth: Truth, rule: RuleID, _ request: AccessRequest, _ facts: Facts)
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
            return reason(.attributeMismatch, "user.account is '\(facts.user.account.rawValue)' (needs `\(clause.text)`)")
        case .profession, .not(.profession):
            return reason(.attributeMismatch, "user.profession is '\(facts.user.profession.rawValue)' (needs `\(clause.text)`)")
        case .country, .not(.country):
            return reason(.attributeMismatch, "user.country is '\(facts.user.country?.rawValue ?? "")' (needs `\(clause.text)`)")
        case .subscription, .not(.subscription):
            return reason(.attributeMismatch, "user.subscription is '\(facts.user.subscription)' (needs `\(clause.text)`)")
        default:
            if truth == .failed {
                return reason(.attributeMissing, "`\(clause.text)` cannot be evaluated: the user lacks an attribute it reads")
            }
            return reason(.conditionFalse, "`\(clause.text)` is false")
        }
    }

    private func describe(_ request: AccessRequest) -> String {
        switch request.action {
        case .open: return "opening lecture '\(request.lecture?.rawValue ?? "?")'"
        case .enrol: return "enrolling in package '\(request.package)'"
        }
    }
}
