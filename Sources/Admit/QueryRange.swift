import AdmitDomain

extension Span {
    /// The `[from, until)` range of a query, unbounded where a side is absent. The one place that
    /// refuses a range whose end is not after its start, for every front.
    public init(from: Instant?, until: Instant?) throws(AdmitError) {
        self.init(start: from ?? .min, end: until ?? .max)
        guard start < end else { throw .invalidInput(.emptyRange) }
    }
}
