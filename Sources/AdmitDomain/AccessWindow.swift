/// A named stretch of time in which a policy opens something, placed in an IANA zone.
///
/// Policies write windows with calendar days or wall-clock times; once validated, a window is the
/// exact half-open span `[start, end)` in UTC. `from 2020-11-08 until 2020-11-20 in Europe/Vienna`
/// becomes `[2020-11-07T23:00:00Z, 2020-11-20T23:00:00Z)`: both days whole, in Vienna.
public struct AccessWindow: Sendable, Hashable {
    /// The name rules use (`now in free`).
    public var name: String
    /// The zone its calendar dates are days in.
    public var zone: Zone
    /// The instants it covers, `[start, end)`.
    public var span: Span

    /// A window named `name` over `span`, its days counted in `zone`.
    public init(name: String, zone: Zone, span: Span) {
        self.name = name
        self.zone = zone
        self.span = span
    }

    /// Whether the window is open at `instant`.
    @inlinable
    public func contains(_ instant: Instant) -> Bool { span.contains(instant) }
}
