import AdmitDomain

/// Users and their enrolments as last read from the store, so that a decision needs no query.
///
/// `Admission` keeps it correct: it asks the store's `dataVersion()` at the start of every use
/// case (once per batch for `check(_:)`) and clears the cache when another connection has
/// committed; its own changes (enrolments, withdrawals) clear it too. It holds at most
/// `capacity` users and starts afresh when full, so memory stays bounded however many users ask.
final class FactCache {
    /// The most users kept at once.
    let capacity: Int
    /// What the store said at the last check; nil before the first.
    var dataVersion: Int64?
    /// A user reference exactly as a caller wrote it (email or id) to the user it named.
    private var references: [String: UserID] = [:]
    private var facts: [UserID: Facts] = [:]

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// The cached user named by `reference`, written exactly as before.
    func user(reference: String) -> Facts? {
        references[reference].flatMap { facts[$0] }
    }

    /// The cached facts of the user with this id.
    func facts(of id: UserID) -> Facts? {
        facts[id]
    }

    /// Remembers `facts`, and that `reference` names its user.
    func remember(_ facts: Facts, reference: String?) {
        if self.facts.count >= capacity || references.count >= capacity * 2 {
            clear()
        }
        self.facts[facts.user.id] = facts
        if let reference {
            references[reference] = facts.user.id
        }
    }

    /// Forgets everything (the store changed underneath).
    func clear() {
        references.removeAll(keepingCapacity: true)
        facts.removeAll(keepingCapacity: true)
    }
}
