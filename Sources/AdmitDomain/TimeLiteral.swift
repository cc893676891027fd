/// A date or time as written in input: a calendar date, a wall-clock time, or an instant with an offset.
///
/// Accepted forms (RFC 3339 / ISO 8601 extended): `2020-11-20`, `2020-11-20T23:59`,
/// `2020-11-20T23:59:59`, `2020-11-20T23:59:59.999`, each time optionally followed by `Z` or
/// `±HH:MM`. `T` may be lowercase or a space. At most millisecond precision.
public enum TimeLiteral: Sendable, Hashable {
    /// A whole calendar day, to be placed in some zone.
    case date(LocalDate)
    /// A wall-clock time with no offset, to be placed in some zone.
    case local(LocalDateTime)
    /// An exact instant, written with the offset `offsetSeconds` (0 for `Z`).
    case instant(Instant, offsetSeconds: Int)

    /// Parses `text`; throws a `TimeSyntaxError` saying what is wrong.
    public init(parsing text: some StringProtocol) throws(TimeSyntaxError) {
        var scanner = TimeScanner(Array(text.utf8), text: String(text))
        self = try scanner.literal()
    }
}

extension Instant {
    /// Parses an RFC 3339 instant that carries `Z` or an offset.
    ///
    /// A date alone, or a time without an offset, is an error: Admit never guesses a zone.
    public init(parsing text: some StringProtocol) throws(TimeSyntaxError) {
        switch try TimeLiteral(parsing: text) {
        case .instant(let instant, _): self = instant
        case .local: throw TimeSyntaxError(text: String(text), kind: .missingOffset)
        case .date: throw TimeSyntaxError(text: String(text), kind: .dateWithoutTime)
        }
    }
}

/// Why a date or time could not be read.
public struct TimeSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Hashable {
        case malformed(expected: String)
        case outOfRange(field: String)
        case nonexistentDate
        case subMillisecond
        case missingOffset
        case dateWithoutTime
    }

    /// The text that was read.
    public var text: String
    /// What was wrong.
    public var kind: Kind

    /// The error for `text`.
    public init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    /// One lowercase line, e.g. `'2020-11-20T10:00' has no offset; add Z or ±HH:MM`.
    public var description: String {
        let quoted = "'\(text)'"
        switch kind {
        case .malformed(let expected):
            return "\(quoted) is not a date or time: expected \(expected) (e.g. 2020-11-20T23:59:59.999+01:00)"
        case .outOfRange(let field): return "\(quoted) has an out-of-range \(field)"
        case .nonexistentDate: return "\(quoted) names a day that does not exist"
        case .subMillisecond: return "\(quoted) is more precise than a millisecond"
        case .missingOffset: return "\(quoted) has no offset; add Z or ±HH:MM (local time is never assumed)"
        case .dateWithoutTime: return "\(quoted) is a date, not an instant; add a time and an offset"
        }
    }
}
