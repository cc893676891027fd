/// A point in time: whole milliseconds since 1970-01-01T00:00:00Z.
///
/// Admit never stores or compares time as a floating-point number. Every decision is a function
/// of an `Instant`, passed in by the caller, so that it can be replayed exactly.
public struct Instant: Sendable, Hashable, Comparable, Codable {
    /// Milliseconds since the Unix epoch, UTC.
    public var millisecondsSinceEpoch: Int64

    /// Creates an instant from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Earlier instants first.
    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The instant `milliseconds` later (or earlier, when negative), saturating at the ends of Int64.
    public func adding(milliseconds: Int64) -> Instant {
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(milliseconds)
        if overflow { return milliseconds > 0 ? .max : .min }
        return Instant(millisecondsSinceEpoch: sum)
    }

    /// The earliest representable instant; used as "since always".
    public static let min = Instant(millisecondsSinceEpoch: .min)
    /// The latest representable instant; used as "for ever".
    public static let max = Instant(millisecondsSinceEpoch: .max)

    /// Decodes an instant from its milliseconds.
    public init(from decoder: any Decoder) throws {
        millisecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Encodes the instant as its milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millisecondsSinceEpoch)
    }
}

extension Instant: CustomStringConvertible {
    /// The instant in RFC 3339 form, in UTC.
    public var description: String { formatted(offsetSeconds: 0) }
}
