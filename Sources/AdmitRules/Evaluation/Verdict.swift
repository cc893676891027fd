import AdmitDomain

/// The effect of a request and what decided it, computed without allocating.
///
/// `PolicySet.decide` returns this on the hot path; `PolicySet.explain` gives the same effect
/// with every reason spelt out.
public struct Verdict: Sendable, Hashable {
    /// Allow or deny.
    public var effect: Effect
    /// `permitted`, `forbidden`, `forbid-failed` or `no-permit`.
    public var code: ReasonCode
    /// The index in `PolicySet.rules` of the first rule that decided; nil for a deny by default.
    public var ruleIndex: Int?

    /// A verdict with this effect, reason code and deciding rule.
    public init(effect: Effect, code: ReasonCode, ruleIndex: Int?) {
        self.effect = effect
        self.code = code
        self.ruleIndex = ruleIndex
    }
}

extension PolicySet {
    /// Decides `request` for the user described by `facts`.
    ///
    /// Deny by default; any forbid that applies, or that fails to evaluate, denies; otherwise a
    /// permit that applies allows. A permit that fails to evaluate never allows.
    public func decide(_ request: AccessRequest, facts: Facts) -> Verdict {
        program.decide(request, facts: facts, windows: spans)
    }
}
