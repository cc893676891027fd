/// Formatting helpers for dates and times, shared by the time types.
enum TimeText {
    /// `value` in decimal, zero-padded on the left to `width` digits (a sign comes first).
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// `HH:MM:SS`, with `.mmm` when the milliseconds are not zero.
    static func timeOfDay(_ millisecondOfDay: Int64) -> String {
        let ms = Int(millisecondOfDay)
        let hms = "\(pad(ms / 3_600_000, 2)):\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2))"
        return ms % 1000 == 0 ? hms : "\(hms).\(pad(ms % 1000, 3))"
    }

    /// `Z` for zero, else `+HH:MM` or `-HH:MM`.
    static func offset(_ seconds: Int) -> String {
        if seconds == 0 { return "Z" }
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return "\(sign)\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
    }
}

extension Instant {
    /// The instant in RFC 3339 form at a fixed UTC offset, e.g. `2020-11-21T00:00:00+01:00`.
    ///
    /// Milliseconds are shown only when they are not zero. An offset RFC 3339 cannot write
    /// exactly (seconds in it), or one that moves the year out of 0…9999, gives the UTC form.
    public func formatted(offsetSeconds: Int) -> String {
        if self == .min { return "-infinity" }
        if self == .max { return "infinity" }
        let local = LocalDateTime(nominalMilliseconds: millisecondsSinceEpoch + Int64(offsetSeconds) * 1000)
        // RFC 3339 has whole-minute offsets and four-digit years: a zone's local mean time before
        // 1893 (Vienna +01:05:21) or a year pushed past 9999 by the offset is written in UTC.
        if offsetSeconds != 0, offsetSeconds % 60 != 0 || !(0...9999).contains(local.date.year) {
            return formatted(offsetSeconds: 0)
        }
        return "\(local)\(TimeText.offset(offsetSeconds))"
    }

    /// The instant in RFC 3339 form at the offset `zone` has at that instant.
    public func formatted(in zone: Zone) -> String {
        formatted(offsetSeconds: zone.offsetSeconds(at: self))
    }
}
