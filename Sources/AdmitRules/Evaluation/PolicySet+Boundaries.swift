import AdmitDomain

extension PolicySet {
    /// The instants at which a decision about the user in `facts` may change, sorted, without
    /// duplicates: every window's start and end, and every enrolment's start and withdrawal.
    ///
    /// Time enters a decision only through window membership and enrolments, and every such test
    /// has the form `bound <= at`. So for any request of these facts, `explain` (effect, reasons,
    /// messages, nearest miss) gives the same `Decision` for two instants with the same number of
    /// boundaries at or before them. A cache may key decisions by that number.
    public func decisionBoundaries(for facts: Facts) -> [Instant] {
        var bounds: [Instant] = []
        bounds.reserveCapacity(spans.count * 2 + facts.enrolments.count * 2)
        for span in spans {
            bounds.append(span.start)
            bounds.append(span.end)
        }
        for enrolment in facts.enrolments {
            bounds.append(enrolment.enrolledAt)
            if let withdrawn = enrolment.withdrawnAt { bounds.append(withdrawn) }
        }
        bounds.sort()
        var unique: [Instant] = []
        unique.reserveCapacity(bounds.count)
        for bound in bounds where unique.last != bound { unique.append(bound) }
        return unique
    }
}

extension Array where Element == Instant {
    /// How many of these sorted instants are at or before `instant`: the index of the span
    /// between boundaries that holds it.
    public func span(containing instant: Instant) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
