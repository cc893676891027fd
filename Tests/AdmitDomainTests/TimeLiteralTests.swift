import AdmitDomain
import Foundation
import Testing

@Suite struct TimeLiteralTests {
    @Test(arguments: [
        ("2020-11-20T23:59:59.999+01:00", Int64(1_605_913_199_999)),
        ("2020-11-20T22:59:59.999Z", 1_605_913_199_999),
        ("2020-11-20t22:59:59.999z", 1_605_913_199_999),
        ("2020-11-20 22:59:59.999Z", 1_605_913_199_999),
        ("2020-11-21T00:00:00+01:00", 1_605_913_200_000),
        ("2020-11-21T00:00+01:00", 1_605_913_200_000),
        ("2020-11-20T18:00:00.000-05:00", 1_605_913_200_000),
        ("2020-11-21T08:00:00+09:00", 1_605_913_200_000),
        ("2020-11-20T23:00:00.5Z", 1_605_913_200_500),
        ("2020-11-20T23:00:00.50Z", 1_605_913_200_500),
        ("2020-11-20T23:00:00.123000000Z", 1_605_913_200_123),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2020-02-29T12:00:00Z", 1_582_977_600_000),
    ])
    func parsesInstants(text: String, milliseconds: Int64) throws {
        #expect(try Instant(parsing: text).millisecondsSinceEpoch == milliseconds)
    }

    @Test(arguments: [
        ("2020-11-20T23:59:59", TimeSyntaxError.Kind.missingOffset),
        ("2020-11-20", .dateWithoutTime),
        ("2020-11-20T23:59:59.9999Z", .subMillisecond),
        ("2020-11-20T23:59:59.Z", .malformed(expected: "1 to 9 fraction digits")),
        ("2020-13-01T00:00:00Z", .outOfRange(field: "month")),
        ("2020-11-31T00:00:00Z", .nonexistentDate),
        ("2021-02-29T00:00:00Z", .nonexistentDate),
        ("2020-11-20T24:00:00Z", .outOfRange(field: "hour")),
        ("2020-11-20T23:60:00Z", .outOfRange(field: "minute")),
        ("2020-11-20T23:59:60Z", .outOfRange(field: "second")),
        ("2020-11-20T23:59:59+1:00", .malformed(expected: "a two-digit offset hour")),
        ("2020-11-20T23:59:59+01", .malformed(expected: "':' in the offset")),
        ("2020-11-20T23:59:59+24:00", .outOfRange(field: "offset")),
        ("2020-11-20T23:59:59Zjunk", .malformed(expected: "nothing after the offset")),
        ("20-11-20T23:59:59Z", .malformed(expected: "a four-digit year")),
        ("", .malformed(expected: "a four-digit year")),
        ("yesterday", .malformed(expected: "a four-digit year")),
    ])
    func rejectsMalformedInstants(text: String, kind: TimeSyntaxError.Kind) {
        #expect(throws: TimeSyntaxError(text: text, kind: kind)) { try Instant(parsing: text) }
    }

    @Test func missingOffsetMessageSaysLocalTimeIsNeverAssumed() {
        let error = TimeSyntaxError(text: "2020-11-20T10:00", kind: .missingOffset)
        #expect(error.description == "'2020-11-20T10:00' has no offset; add Z or ±HH:MM (local time is never assumed)")
    }

    @Test func distinguishesDatesLocalTimesAndInstants() throws {
        #expect(try TimeLiteral(parsing: "2020-11-08") == .date(try #require(LocalDate(year: 2020, month: 11, day: 8))))
        guard case .local(let local) = try TimeLiteral(parsing: "2021-03-28T02:30") else {
            Issue.record("expected a local time")
            return
        }
        #expect(local.description == "2021-03-28T02:30:00")
        guard case .instant(_, let offset) = try TimeLiteral(parsing: "2020-11-08T00:00:00-05:30") else {
            Issue.record("expected an instant")
            return
        }
        #expect(offset == -19_800)
    }

    @Test(arguments: [
        (Int64(1_605_913_199_999), 3600, "2020-11-20T23:59:59.999+01:00"),
        (1_605_913_200_000, 3600, "2020-11-21T00:00:00+01:00"),
        (1_605_913_200_000, 0, "2020-11-20T23:00:00Z"),
        (-1, 0, "1969-12-31T23:59:59.999Z"),
        (0, -19_800, "1969-12-31T18:30:00-05:30"),
    ])
    func formatsAndRoundTrips(milliseconds: Int64, offset: Int, text: String) throws {
        let instant = Instant(millisecondsSinceEpoch: milliseconds)
        #expect(instant.formatted(offsetSeconds: offset) == text)
        #expect(try Instant(parsing: text) == instant)
    }
}

@Suite struct LocalDateTests {
    @Test func convertsDaysBothWaysOverFourCenturies() throws {
        var date = try #require(LocalDate(year: 1800, month: 1, day: 1))
        var days = date.daysSinceEpoch
        for _ in 0..<(400 * 366) {
            #expect(LocalDate(daysSinceEpoch: days) == date)
            date = date.nextDay
            days += 1
            #expect(date.daysSinceEpoch == days)
            if date.year > 2200 { break }
        }
    }

    @Test(arguments: [(1970, 1, 1, Int64(0)), (2000, 3, 1, 11_017), (2020, 11, 21, 18_587), (1969, 12, 31, -1)])
    func knownDays(year: Int, month: Int, day: Int, days: Int64) throws {
        #expect(try #require(LocalDate(year: year, month: month, day: day)).daysSinceEpoch == days)
    }

    @Test func rejectsDaysThatDoNotExist() {
        #expect(LocalDate(year: 2021, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2020, month: 4, day: 31) == nil)
        #expect(LocalDate(year: 2020, month: 0, day: 1) == nil)
    }
}

/// The formatter writes the text straight into the string; the round trip through the parser
/// and the general path (date, time of day and offset text) hold it to the same text.
@Suite struct InstantFormattingTests {
    @Test(arguments: [1, 2, 3])
    func theWrittenTextParsesBackAndMatchesTheGeneralForm(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let offsets = [0, 3600, -3600, 7200, 19800, -34200, 45900, -43200, 50400]
        for _ in 0..<5000 {
            let ms = Int64.random(in: -30_610_224_000_000...221_845_392_000_000, using: &random)  // years 1000 to 9000
            let instant = Instant(millisecondsSinceEpoch: Bool.random(using: &random) ? ms : ms / 1000 * 1000)
            let offset = offsets.randomElement(using: &random)!
            let text = instant.formatted(offsetSeconds: offset)
            let local = LocalDateTime(nominalMilliseconds: instant.millisecondsSinceEpoch + Int64(offset) * 1000)
            if (0...9999).contains(local.date.year) {
                #expect(text == "\(local)\(offset == 0 ? "Z" : offsetText(offset))")
            }
            #expect(try Instant(parsing: text) == instant, "\(text)")
        }
    }

    private func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
