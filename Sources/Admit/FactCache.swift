import AdmitDomain
import AdmitRules

/// Users, their enrolments and the decisions made about them, as last read from the store,
/// so that a decision needs no query and a repeated decision no evaluation.
///
/// `Admission` keeps it correct: it asks the store's `dataVersion()` and `changeCount` at the
/// start of every use case (once per batch for `check(_:)`) and clears the cache when anything
/// was committed since; reloading the policy clears it too. It holds at most `capacity` users
/// and `capacity` decisions and starts afresh when full, so memory stays bounded however many
/// users ask.
final class FactCache {
    /// A user's facts and the instants at which decisions about them may change (a class:
    /// shared between answers by reference instead of copying every field of the user).
    final class Entry: Sendable {
        let facts: Facts
        let boundaries: [Instant]

        init(facts: Facts, boundaries: [Instant]) {
            self.facts = facts
            self.boundaries = boundaries
        }
    }

    /// A decision's identity: same user, lecture and span between boundaries, same decision.
    struct DecisionKey: Hashable {
        var user: UserID
        var lecture: LectureID
        var span: Int
    }

    /// The most users, and the most decisions, kept at once.
    let capacity: Int
    /// A user reference exactly as a caller wrote it (email or id) to the user it named.
    private var references: [String: UserID] = [:]
    private var entries: [UserID: Entry] = [:]
    private var decisions: [DecisionKey: RenderedDecision] = [:]
    /// Instants rendered in a zone (`at` in answers), keyed by instant and zone identifier.
    private var instantTexts: [InstantInZone: String] = [:]

    private struct InstantInZone: Hashable {
        var instant: Instant
        var zone: String
    }

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// The cached user named by `reference`, written exactly as before.
    func entry(reference: String) -> Entry? {
        references[reference].flatMap { entries[$0] }
    }

    /// The cached entry of the user with this id.
    func entry(of id: UserID) -> Entry? {
        entries[id]
    }

    /// Remembers `entry`, and that `reference` names its user.
    func remember(_ entry: Entry, reference: String?) {
        if entries.count >= capacity || references.count >= capacity * 2 {
            clear()
        }
        entries[entry.facts.user.id] = entry
        if let reference {
            references[reference] = entry.facts.user.id
        }
    }

    func decision(_ key: DecisionKey) -> RenderedDecision? {
        decisions[key]
    }

    func remember(_ decision: RenderedDecision, for key: DecisionKey) {
        if decisions.count >= capacity { decisions.removeAll(keepingCapacity: true) }
        decisions[key] = decision
    }

    /// `instant` in RFC 3339 form at `zone`'s offset then.
    func text(of instant: Instant, in zone: Zone) -> String {
        let key = InstantInZone(instant: instant, zone: zone.identifier)
        if let text = instantTexts[key] { return text }
        if instantTexts.count >= 4096 { instantTexts.removeAll(keepingCapacity: true) }
        let text = instant.formatted(in: zone)
        instantTexts[key] = text
        return text
    }

    /// Forgets every user and decision (the store or the policy changed).
    func clear() {
        references.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        decisions.removeAll(keepingCapacity: true)
    }
}
