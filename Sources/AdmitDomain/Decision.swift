/// Allow or deny.
public enum Effect: String, Sendable, Hashable, Codable {
    case allow
    case deny
}

/// The answer to an `AccessRequest`, with everything needed to say why.
public struct Decision: Sendable, Hashable {
    /// Allow or deny.
    public var effect: Effect
    /// Why, most important first: the first reason is the one that decided.
    public var reasons: [Reason]
    /// The rules that determined the effect: the permits that applied for an allow; the forbids that
    /// applied or failed for a deny; none for a deny by default.
    public var determiningRules: [RuleID]
    /// For a deny: the permit that came closest to granting and the clauses of it that failed.
    public var nearestMiss: NearestMiss?

    /// A decision with its reasons, deciding rules and nearest miss.
    public init(effect: Effect, reasons: [Reason], determiningRules: [RuleID], nearestMiss: NearestMiss?) {
        self.effect = effect
        self.reasons = reasons
        self.determiningRules = determiningRules
        self.nearestMiss = nearestMiss
    }

    /// Whether access is granted.
    public var isAllowed: Bool { effect == .allow }

    /// Every reason code in the decision, the nearest miss's included.
    public var allCodes: [ReasonCode] {
        reasons.map(\.code) + (nearestMiss?.failedClauses.map(\.code) ?? [])
    }
}

/// The permit that came closest to granting a denied request.
public struct NearestMiss: Sendable, Hashable {
    /// The permit.
    public var rule: RuleID
    /// The clauses of the permit's condition that were false or failed, in source order.
    public var failedClauses: [Reason]

    /// The nearest miss: `rule` and its clauses that were not true.
    public init(rule: RuleID, failedClauses: [Reason]) {
        self.rule = rule
        self.failedClauses = failedClauses
    }
}

/// One reason in a decision: a stable code, the rule it concerns, and a sentence for people.
public struct Reason: Sendable, Hashable {
    /// The stable code.
    public var code: ReasonCode
    /// The rule the reason is about, if any.
    public var rule: RuleID?
    /// A lowercase sentence, e.g. `window 'free' closed at 2020-11-21T00:00:00+01:00`.
    public var message: String

    /// A reason with its code, rule and sentence.
    public init(code: ReasonCode, rule: RuleID?, message: String) {
        self.code = code
        self.rule = rule
        self.message = message
    }
}

/// Stable reason codes: scripts may match on them; the set only grows.
public enum ReasonCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Allowed: a permit applied and no forbid did.
    case permitted
    /// Denied: a forbid applied.
    case forbidden
    /// Denied: a forbid could not be evaluated, and a failing forbid denies.
    case forbidFailed = "forbid-failed"
    /// Denied by default: no permit applied.
    case noPermit = "no-permit"
    /// A permit could not be evaluated, so it did not grant.
    case permitFailed = "permit-failed"
    /// No permit rule covers the action on this resource at all.
    case noApplicableRule = "no-applicable-rule"
    /// A window clause failed because the window has not opened yet.
    case windowNotYetOpen = "window-not-yet-open"
    /// A window clause failed because the window has closed.
    case windowClosed = "window-closed"
    /// A `not now in W` clause failed because the window is open.
    case windowOpen = "window-open"
    /// An enrolment clause failed: the user has never enrolled in the package.
    case notEnrolled = "not-enrolled"
    /// An enrolment clause failed: the user enrolled only after the instant asked about.
    case enrolledLater = "enrolled-later"
    /// An enrolment clause failed: the enrolment was withdrawn before the instant asked about.
    case enrolmentWithdrawn = "enrolment-withdrawn"
    /// A `not user enrolled in P` clause failed because the user is enrolled.
    case enrolled
    /// An attribute clause failed: the user's attribute has another value.
    case attributeMismatch = "attribute-mismatch"
    /// An attribute clause could not be evaluated: the user has no value for the attribute.
    case attributeMissing = "attribute-missing"
    /// A compound clause (with `or` or `not`) was false.
    case conditionFalse = "condition-false"
}
