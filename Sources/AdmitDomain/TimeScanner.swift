/// The reader behind `TimeLiteral(parsing:)`: a strict scanner over the UTF-8 bytes of one literal.
struct TimeScanner {
    private let bytes: [UInt8]
    private let text: String
    private var index = 0

    init(_ bytes: [UInt8], text: String) {
        self.bytes = bytes
        self.text = text
    }

    mutating func literal() throws(TimeSyntaxError) -> TimeLiteral {
        let year = try digits(4, "a four-digit year")
        try expect(UInt8(ascii: "-"), "'-' after the year")
        let month = try digits(2, "a two-digit month")
        try expect(UInt8(ascii: "-"), "'-' after the month")
        let day = try digits(2, "a two-digit day")
        guard (1...12).contains(month) else { throw fail(.outOfRange(field: "month")) }
        guard (1...31).contains(day) else { throw fail(.outOfRange(field: "day")) }
        guard let date = LocalDate(year: year, month: month, day: day) else { throw fail(.nonexistentDate) }
        if atEnd { return .date(date) }

        guard let separator = next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                || separator == UInt8(ascii: " ")
        else { throw fail(.malformed(expected: "'T' between date and time")) }
        let hour = try digits(2, "a two-digit hour")
        try expect(UInt8(ascii: ":"), "':' after the hour")
        let minute = try digits(2, "two-digit minutes")
        var second = 0
        var millisecond = 0
        if peek == UInt8(ascii: ":") {
            index += 1
            second = try digits(2, "two-digit seconds")
            if peek == UInt8(ascii: ".") {
                index += 1
                millisecond = try fraction()
            }
        }
        guard hour < 24 else { throw fail(.outOfRange(field: "hour")) }
        guard minute < 60 else { throw fail(.outOfRange(field: "minute")) }
        guard second < 60 else { throw fail(.outOfRange(field: "second")) }
        let ms = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
        let local = LocalDateTime(date: date, millisecondOfDay: ms)
        if atEnd { return .local(local) }

        let offset = try offsetSeconds()
        guard atEnd else { throw fail(.malformed(expected: "nothing after the offset")) }
        let instant = Instant(millisecondsSinceEpoch: local.nominalMilliseconds - Int64(offset) * 1000)
        return .instant(instant, offsetSeconds: offset)
    }

    private var atEnd: Bool { index == bytes.count }
    private var peek: UInt8? { atEnd ? nil : bytes[index] }

    private mutating func next() -> UInt8? {
        guard let byte = peek else { return nil }
        index += 1
        return byte
    }

    private func fail(_ kind: TimeSyntaxError.Kind) -> TimeSyntaxError {
        TimeSyntaxError(text: text, kind: kind)
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(TimeSyntaxError) {
        guard next() == byte else { throw fail(.malformed(expected: what)) }
    }

    private mutating func digits(_ count: Int, _ what: String) throws(TimeSyntaxError) -> Int {
        var value = 0
        for _ in 0..<count {
            guard let byte = next(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                throw fail(.malformed(expected: what))
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Reads 1 to 9 fraction digits; digits past the third must be zero.
    private mutating func fraction() throws(TimeSyntaxError) -> Int {
        var value = 0
        var count = 0
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            index += 1
            count += 1
            if count <= 3 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            } else if byte != UInt8(ascii: "0") {
                throw fail(.subMillisecond)
            }
        }
        guard (1...9).contains(count) else { throw fail(.malformed(expected: "1 to 9 fraction digits")) }
        for _ in Swift.min(count, 3)..<3 { value *= 10 }
        return value
    }

    private mutating func offsetSeconds() throws(TimeSyntaxError) -> Int {
        guard let sign = next() else { throw fail(.malformed(expected: "an offset")) }
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") { return 0 }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
            throw fail(.malformed(expected: "'Z' or an offset like +01:00"))
        }
        let hours = try digits(2, "a two-digit offset hour")
        try expect(UInt8(ascii: ":"), "':' in the offset")
        let minutes = try digits(2, "two-digit offset minutes")
        guard hours <= 23, minutes <= 59 else { throw fail(.outOfRange(field: "offset")) }
        let seconds = (hours * 60 + minutes) * 60
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }
}
