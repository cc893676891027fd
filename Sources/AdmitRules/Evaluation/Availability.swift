import AdmitDomain

/// When a user may do something: the exact spans in a range, and when the answer next changes.
public struct Availability: Sendable, Hashable {
    /// The range asked about.
    public var range: Span
    /// The maximal spans inside `range` in which the request is allowed, in order, not touching.
    public var allowed: [Span]
    /// The instant the flip is measured from.
    public var reference: Instant
    /// The effect at `reference`.
    public var effectAtReference: Effect
    /// The first instant after `reference` at which the effect differs; nil when it never changes.
    public var nextFlip: Instant?
}

extension PolicySet {
    /// The spans within `range` in which `request` (its action and resource; its `at` is ignored)
    /// is allowed for the user described by `facts`, and the first flip after `reference`.
    ///
    /// Time enters a decision only through windows and enrolment instants, so the decision is
    /// constant between consecutive such instants; each stretch is decided once, exactly.
    public func availability(of request: AccessRequest, facts: Facts, in range: Span, reference: Instant) -> Availability {
        let boundaries = [Instant.min] + decisionBoundaries(for: facts).filter { $0 != .min && $0 != .max }

        func effect(at instant: Instant) -> Effect {
            var probe = request
            probe.at = instant
            return decide(probe, facts: facts).effect
        }

        // Stretches [boundaries[i], boundaries[i+1]) each have one effect.
        var stretches: [(span: Span, effect: Effect)] = []
        for (i, start) in boundaries.enumerated() {
            let end = i + 1 < boundaries.count ? boundaries[i + 1] : .max
            let value = effect(at: start)
            if let last = stretches.last, last.effect == value {
                stretches[stretches.count - 1].span.end = end
            } else {
                stretches.append((Span(start: start, end: end), value))
            }
        }
        let allowed = stretches.filter { $0.effect == .allow }.map { $0.span.intersection(range) }.filter { !$0.isEmpty }
        let current = stretches.first { $0.span.contains(reference) } ?? stretches[stretches.count - 1]
        let flip = current.span.end == .max ? nil : current.span.end
        return Availability(range: range, allowed: allowed, reference: reference, effectAtReference: current.effect, nextFlip: flip)
    }
}
