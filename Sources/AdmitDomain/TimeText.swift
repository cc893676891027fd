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
        guard (0...9999).contains(local.date.year) else { return "\(local)\(TimeText.offset(offsetSeconds))" }
        // The common case, written straight into the string: `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)`.
        let ms = Int(local.millisecondOfDay)
        let fraction = ms % 1000 != 0
        let length = 19 + (fraction ? 4 : 0) + (offsetSeconds == 0 ? 1 : 6)
        return String(unsafeUninitializedCapacity: length) { out in
            var at = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    out[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                at += width
            }
            func byte(_ character: Unicode.Scalar) {
                out[at] = UInt8(ascii: character)
                at += 1
            }
            digits(local.date.year, 4)
            byte("-")
            digits(local.date.month, 2)
            byte("-")
            digits(local.date.day, 2)
            byte("T")
            digits(ms / 3_600_000, 2)
            byte(":")
            digits(ms / 60_000 % 60, 2)
            byte(":")
            digits(ms / 1000 % 60, 2)
            if fraction {
                byte(".")
                digits(ms % 1000, 3)
            }
            if offsetSeconds == 0 {
                byte("Z")
            } else {
                byte(offsetSeconds < 0 ? "-" : "+")
                let minutes = abs(offsetSeconds) / 60
                digits(minutes / 60, 2)
                byte(":")
                digits(minutes % 60, 2)
            }
            return at
        }
    }

    /// The instant in RFC 3339 form at the offset `zone` has at that instant.
    public func formatted(in zone: Zone) -> String {
        formatted(offsetSeconds: zone.offsetSeconds(at: self))
    }
}
