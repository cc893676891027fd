import AdmitDomain

/// A validated rule: a permit or forbid with an id, a target and a condition.
public struct Rule: Sendable, Hashable {
    /// The rule's id, unique across the policy's files.
    public let id: RuleID
    /// Whether the rule grants (permit) or refuses (forbid).
    public let effect: RuleEffect
    /// What the rule is about.
    public let target: Target
    /// Where the rule is written.
    public let location: SourceLocation
    /// The rule's condition split at its top-level `and`s, in source order; empty: always applies.
    let clauses: [Clause]

    init(id: RuleID, effect: RuleEffect, target: Target, location: SourceLocation, clauses: [Clause]) {
        self.id = id
        self.effect = effect
        self.target = target
        self.location = location
        self.clauses = clauses
    }

    /// Whether the rule's condition holds (all clauses, left to right).
    func evaluate(_ facts: Facts, at instant: Instant, windows: [Span]) -> Truth {
        for clause in clauses {
            let truth = clause.condition.evaluate(facts, at: instant, windows: windows)
            if truth != .yes { return truth }
        }
        return .yes
    }
}

/// One top-level conjunct of a rule's condition, with its source text for explanations.
struct Clause: Sendable, Hashable {
    let condition: Condition
    let text: String
}
