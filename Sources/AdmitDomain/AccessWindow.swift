/// A named stretch of time in which a policy opens something, placed in an IANA zone.
///
/// Policies write windows with calendar days or wall-clock times; once validated, a window is the
/// exact half-open span `[start, end)` in UTC. `from 2020-11-08 until 2020-11-20 in Europe/Vienna`
/// becomes `[2020-11-07T23:00:00Z, 2020-11-20T23:00:00Z)`: both days whole, in Vienna.
public struct AccessWindow: Sendable, Hashable {
    public var name: String
    public var zone: Zone
    public var span: Span

    public init(name: String, zone: Zone, span: Span) {
        self.name = name
        self.zone = zone
        self.span = span
    }

    /// Whether the window is open at `instant`.
    @inlinable
    public func contains(_ instant: Instant) -> Bool { span.contains(instant) }
}
