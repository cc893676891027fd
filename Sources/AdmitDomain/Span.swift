/// A half-open stretch of time `[start, end)`; `Instant.min` and `Instant.max` stand for unbounded.
public struct Span: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first instant in the span (`Instant.min`: unbounded).
    public var start: Instant
    /// The first instant after the span (`Instant.max`: unbounded).
    public var end: Instant

    /// The span `[start, end)`.
    public init(start: Instant, end: Instant) {
        self.start = start
        self.end = end
    }

    /// All of time.
    public static let always = Span(start: .min, end: .max)

    /// Whether `instant` lies in `[start, end)`.
    @inlinable
    public func contains(_ instant: Instant) -> Bool { start <= instant && instant < end }

    /// Whether the span holds no instant.
    public var isEmpty: Bool { end <= start }

    /// The common part of two spans (possibly empty).
    public func intersection(_ other: Span) -> Span {
        Span(start: Swift.max(start, other.start), end: Swift.min(end, other.end))
    }

    /// `[start, end)` in UTC, with `-infinity` and `infinity` for unbounded ends.
    public var description: String { "[\(start), \(end))" }
}
