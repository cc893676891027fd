/// The `check` requests of a stream (the service's read of lines), decided and logged together.
///
/// Checks wait in the batch, to be decided by one `Admission.check(_:actor:)` and logged in one
/// transaction. Before any other request that reads or writes the store runs (or is refused and
/// logged as such), `flush` decides the checks waiting before it, so the audit log keeps the
/// order in which requests arrived; a request that touches no store lets them wait. `flush`
/// once more at the end of the stream.
public struct CheckBatch {
    private let admission: Admission
    private let actor: String?
    private var waiting: [(position: Int, request: CheckRequest)] = []

    /// A batch whose decisions `admission` makes and logs with `actor` (default: the
    /// configuration's).
    public init(admission: Admission, actor: String?) {
        self.admission = admission
        self.actor = actor
    }

    /// A check, at `position` in the stream: it waits for the next `flush`.
    public mutating func add(_ request: CheckRequest, at position: Int) {
        waiting.append((position, request))
    }

    /// Called before a request other than a check: decides and logs the waiting checks when that
    /// request reads or writes the store, and hands each result to `decided` with its position.
    public mutating func before(
        requestTouchingStore touchesStore: Bool, decided: (Int, Result<CheckOutcome, AdmitError>) -> Void
    ) {
        if touchesStore { flush(decided) }
    }

    /// Decides and logs every waiting check in one transaction, and hands each result to
    /// `decided` with its position.
    public mutating func flush(_ decided: (Int, Result<CheckOutcome, AdmitError>) -> Void) {
        guard !waiting.isEmpty else { return }
        let results = admission.check(waiting.map(\.request), actor: actor)
        for (entry, result) in zip(waiting, results) { decided(entry.position, result) }
        waiting.removeAll(keepingCapacity: true)
    }
}
