/// A wall-clock reading (date and time of day to the millisecond) with no zone attached.
public struct LocalDateTime: Sendable, Hashable, Comparable {
    /// The calendar date.
    public var date: LocalDate
    /// Milliseconds since midnight, `0..<86_400_000`.
    public var millisecondOfDay: Int64

    /// Creates a reading; `millisecondOfDay` must be within the day.
    public init(date: LocalDate, millisecondOfDay: Int64) {
        precondition((0..<86_400_000).contains(millisecondOfDay), "a time of day lies within one day")
        self.date = date
        self.millisecondOfDay = millisecondOfDay
    }

    /// Midnight at the start of `date`.
    public init(startOf date: LocalDate) {
        self.init(date: date, millisecondOfDay: 0)
    }

    /// The reading as if it were UTC: milliseconds since the epoch of the same wall-clock value.
    public var nominalMilliseconds: Int64 {
        date.daysSinceEpoch * 86_400_000 + millisecondOfDay
    }

    /// The wall-clock reading of `nominalMilliseconds` (the inverse of `nominalMilliseconds`).
    public init(nominalMilliseconds ms: Int64) {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        self.init(date: LocalDate(daysSinceEpoch: days), millisecondOfDay: ms - days * 86_400_000)
    }

    /// Earlier readings first.
    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.nominalMilliseconds < rhs.nominalMilliseconds
    }
}

extension LocalDateTime: CustomStringConvertible {
    /// `YYYY-MM-DDTHH:MM:SS`, with `.mmm` when the milliseconds are not zero.
    public var description: String {
        "\(date)T\(TimeText.timeOfDay(millisecondOfDay))"
    }
}
