import AdmitDomain
import Foundation
import Testing

@Suite struct ZoneTests {
    let vienna = Zone(identifier: "Europe/Vienna")!

    @Test func knowsIANAZonesAndRefusesOthers() {
        #expect(Zone(identifier: "Europe/Vienna") != nil)
        #expect(Zone(identifier: "UTC") != nil)
        #expect(Zone(identifier: "Europe/Viena") == nil)
        #expect(Zone(identifier: "Mars/Olympus_Mons") == nil)
        #expect(Zone(identifier: "") == nil)
        #expect(Zone(identifier: "Etc/GMT+5") != nil)
        #expect(Zone(identifier: "CET") == nil, "an abbreviation is not a place")
        #expect(Zone(identifier: "GMT+5") == nil)
        #expect(Zone(identifier: "europe/vienna") == nil)
    }

    @Test func viennaOffsetsInWinterAndSummer() throws {
        #expect(vienna.offsetSeconds(at: try Instant(parsing: "2020-11-20T23:00:00Z")) == 3600)
        #expect(vienna.offsetSeconds(at: try Instant(parsing: "2020-07-01T12:00:00Z")) == 7200)
    }

    @Test func startOfDayIsLocalMidnight() throws {
        let day = try #require(LocalDate(year: 2020, month: 11, day: 21))
        #expect(vienna.startOfDay(day) == (try Instant(parsing: "2020-11-21T00:00:00+01:00")))
        #expect(vienna.startOfDay(day) == (try Instant(parsing: "2020-11-20T23:00:00Z")))
    }

    @Test func startOfDayWhenMidnightIsSkipped() throws {
        // Chile moved its clocks from 00:00 to 01:00 on 2022-09-11: the day starts at 01:00.
        let santiago = try #require(Zone(identifier: "America/Santiago"))
        let day = try #require(LocalDate(year: 2022, month: 9, day: 11))
        #expect(santiago.startOfDay(day) == (try Instant(parsing: "2022-09-11T01:00:00-03:00")))
    }

    @Test func springForwardGapIsSkipped() throws {
        let local = LocalDateTime(date: try #require(LocalDate(year: 2021, month: 3, day: 28)), millisecondOfDay: 9_000_000)
        #expect(vienna.resolve(local) == .skipped(firstInstantAfter: try Instant(parsing: "2021-03-28T01:00:00Z")))
    }

    @Test func fallBackHourIsRepeated() throws {
        let local = LocalDateTime(date: try #require(LocalDate(year: 2021, month: 10, day: 31)), millisecondOfDay: 9_000_000)
        #expect(
            vienna.resolve(local)
                == .repeated(
                    earlier: try Instant(parsing: "2021-10-31T02:30:00+02:00"), later: try Instant(parsing: "2021-10-31T02:30:00+01:00")))
    }

    @Test func ordinaryTimeIsUnique() throws {
        let local = LocalDateTime(date: try #require(LocalDate(year: 2020, month: 11, day: 20)), millisecondOfDay: 86_399_999)
        #expect(vienna.resolve(local) == .unique(try Instant(parsing: "2020-11-20T23:59:59.999+01:00")))
    }

    @Test func formatsInTheZonesOffset() throws {
        #expect(try Instant(parsing: "2020-11-20T23:00:00Z").formatted(in: vienna) == "2020-11-21T00:00:00+01:00")
        #expect(try Instant(parsing: "2020-07-01T12:00:00Z").formatted(in: vienna) == "2020-07-01T14:00:00+02:00")
    }

    @Test func whatRFC3339CannotWriteInTheZoneIsWrittenInUTC() throws {
        // Vienna's local mean time before 1893 is +01:05:21: no RFC 3339 offset says that.
        #expect(vienna.offsetSeconds(at: try Instant(parsing: "1890-06-01T00:00:00Z")) == 3921)
        #expect(try Instant(parsing: "1890-06-01T00:00:00Z").formatted(in: vienna) == "1890-06-01T00:00:00Z")
        // The offset would carry the year past 9999.
        #expect(try Instant(parsing: "9999-12-31T23:59:59.999Z").formatted(in: vienna) == "9999-12-31T23:59:59.999Z")
        #expect(try Instant(parsing: "9999-12-31T22:00:00Z").formatted(in: vienna) == "9999-12-31T23:00:00+01:00")
    }

    @Test func processTimeZoneChangesNothing() throws {
        let instant = try Instant(parsing: "2020-11-20T23:00:00Z")
        let day = try #require(LocalDate(year: 2020, month: 11, day: 8))
        let before = (vienna.offsetSeconds(at: instant), vienna.startOfDay(day), instant.formatted(in: vienna))
        let saved = ProcessInfo.processInfo.environment["TZ"]
        for tz in ["Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu"] {
            setenv("TZ", tz, 1)
            tzset()
            let after = (vienna.offsetSeconds(at: instant), vienna.startOfDay(day), instant.formatted(in: vienna))
            #expect(after == before, "TZ=\(tz)")
            #expect(try Instant(parsing: "2020-11-21T00:00:00+01:00") == instant)
        }
        if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
        tzset()
    }
}
