import AdmitDomain

/// A validated condition, ready to evaluate: names resolved, values typed.
indirect enum Condition: Sendable, Hashable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// The user's account state is one of the states in the bit set (bit i: `AccountState.allCases[i]`).
    case account(UInt8)
    /// The user's profession is one of the professions in the bit set.
    case profession(UInt8)
    /// The user's country is one of these; fails when the user has no country.
    case country([CountryCode])
    /// The user's subscription is one of these.
    case subscription([Subscription])
    /// The user has an enrolment in the package that counts at the instant.
    case enrolled(PackageID)
    /// The instant lies in the window with this index in `PolicySet.windows`.
    case inWindow(Int)
}

/// The outcome of evaluating a condition: true, false, or failed (an evaluation error).
enum Truth: Sendable, Hashable {
    case yes, no, failed
}

extension Condition {
    /// Evaluates left to right; `and` and `or` stop at the first operand that decides them, and an
    /// operand that fails makes the whole expression fail unless an earlier operand decided it.
    func evaluate(_ facts: Facts, at instant: Instant, windows: [Span]) -> Truth {
        switch self {
        case .all(let parts):
            for part in parts {
                let truth = part.evaluate(facts, at: instant, windows: windows)
                if truth != .yes { return truth }
            }
            return .yes
        case .any(let parts):
            for part in parts {
                let truth = part.evaluate(facts, at: instant, windows: windows)
                if truth != .no { return truth }
            }
            return .no
        case .not(let inner):
            switch inner.evaluate(facts, at: instant, windows: windows) {
            case .yes: return .no
            case .no: return .yes
            case .failed: return .failed
            }
        case .account(let states):
            return states & Condition.bit(facts.account) != 0 ? .yes : .no
        case .profession(let professions):
            return professions & Condition.bit(facts.profession) != 0 ? .yes : .no
        case .country(let countries):
            guard let country = facts.country else { return .failed }
            return countries.contains(country) ? .yes : .no
        case .subscription(let plans):
            return plans.contains(facts.subscription) ? .yes : .no
        case .enrolled(let package):
            for enrolment in facts.enrolments where enrolment.package == package && enrolment.counts(at: instant) {
                return .yes
            }
            return .no
        case .inWindow(let index):
            return windows[index].contains(instant) ? .yes : .no
        }
    }

    static func bit(_ state: AccountState) -> UInt8 {
        switch state {
        case .active: return 1
        case .suspended: return 2
        case .closed: return 4
        }
    }

    static func bit(_ profession: Profession) -> UInt8 {
        switch profession {
        case .radiologist: return 1
        case .radiographer: return 2
        case .other: return 4
        }
    }
}
