import Foundation

/// An IANA time zone (`Europe/Vienna`), used to place calendar days and wall-clock times.
///
/// The rules come from the time-zone data bundled with Foundation's ICU, never from the process's
/// `TZ` environment: the same policy gives the same windows on every machine with the same data.
public struct Zone: Sendable, Hashable, CustomStringConvertible {
    /// The IANA identifier, e.g. `Europe/Vienna`.
    public let identifier: String
    private let timeZone: TimeZone

    /// The zone named `identifier`, or nil when it is not an IANA `Area/Location` zone (or `UTC`).
    ///
    /// Abbreviations such as `CET` or `EST` and offsets such as `GMT+5` are refused: they are not
    /// places, and most are ambiguous. Links such as `Etc/GMT+5` or `Asia/Kolkata` are accepted.
    public init?(identifier: String) {
        guard identifier == "UTC" || identifier.contains("/"), let timeZone = TimeZone(identifier: identifier),
            identifier == "UTC" || timeZone.identifier == identifier
        else { return nil }
        self.identifier = identifier
        self.timeZone = timeZone
    }

    /// Coordinated Universal Time.
    public static let utc: Zone = {
        guard let zone = Zone(identifier: "UTC") else { preconditionFailure("UTC is always a known zone") }
        return zone
    }()

    /// The canonical identifiers, for suggestions ("did you mean 'Europe/Vienna'?").
    public static let knownIdentifiers: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])

    /// The IANA identifier.
    public var description: String { identifier }

    /// Zones are equal when their identifiers are.
    public static func == (lhs: Zone, rhs: Zone) -> Bool { lhs.identifier == rhs.identifier }
    /// Hashes the identifier.
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// The UTC offset in seconds in force at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int {
        let seconds = Double(instant.millisecondsSinceEpoch.clamped(to: -Zone.dataRange...Zone.dataRange)) / 1000
        return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
    }

    /// The wall-clock reading in this zone at `instant`.
    public func localDateTime(at instant: Instant) -> LocalDateTime {
        LocalDateTime(
            nominalMilliseconds: instant.millisecondsSinceEpoch + Int64(offsetSeconds(at: instant)) * 1000)
    }

    /// Which instants show the wall-clock reading `local` in this zone.
    public func resolve(_ local: LocalDateTime) -> LocalResolution {
        let nominal = local.nominalMilliseconds
        // Offsets a day either side cover every transition near `local`.
        let around = [-86_400_000, 0, 86_400_000].map { offsetSeconds(at: Instant(millisecondsSinceEpoch: nominal + $0)) }
        var matches: [Instant] = []
        for offset in Set(around).sorted(by: >) {
            let candidate = Instant(millisecondsSinceEpoch: nominal - Int64(offset) * 1000)
            if offsetSeconds(at: candidate) == offset, !matches.contains(candidate) { matches.append(candidate) }
        }
        matches.sort()
        switch matches.count {
        case 1: return .unique(matches[0])
        case 0: return .skipped(firstInstantAfter: firstInstant(atOrAfter: nominal))
        default: return .repeated(earlier: matches[0], later: matches[matches.count - 1])
        }
    }

    /// The first instant of the calendar day `date` in this zone.
    ///
    /// Usually local midnight; where midnight is skipped by a transition, the transition itself.
    public func startOfDay(_ date: LocalDate) -> Instant {
        switch resolve(LocalDateTime(startOf: date)) {
        case .unique(let instant): return instant
        case .repeated(let earlier, _): return earlier
        case .skipped(let first): return first
        }
    }

    /// The earliest instant whose wall-clock reading is at or after `nominal`, found by bisection.
    private func firstInstant(atOrAfter nominal: Int64) -> Instant {
        var low = nominal - 36 * 3_600_000
        var high = nominal + 36 * 3_600_000
        while low < high {
            let middle = low + (high - low) / 2
            let reading = middle + Int64(offsetSeconds(at: Instant(millisecondsSinceEpoch: middle))) * 1000
            if reading >= nominal { high = middle } else { low = middle + 1 }
        }
        return Instant(millisecondsSinceEpoch: low)
    }

    /// Instants beyond ±(about 292,000 years) are clamped before asking the zone data.
    private static let dataRange: Int64 = 9_000_000_000_000_000
}

/// How a wall-clock reading maps to instants in a zone.
public enum LocalResolution: Sendable, Hashable {
    /// Exactly one instant shows this reading.
    case unique(Instant)
    /// Clocks jumped over this reading (spring forward); the first instant after the gap is given.
    case skipped(firstInstantAfter: Instant)
    /// Clocks showed this reading twice (fall back).
    case repeated(earlier: Instant, later: Instant)
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
