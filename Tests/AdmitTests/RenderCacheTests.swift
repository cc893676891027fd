import AdmitDomain
import Testing

@testable import Admit

/// The cache writes instants with the zone's offset for their whole hour when the zone keeps
/// one offset through that hour; around every transition it must still give the zone's answer.
@Suite struct RenderCacheTests {
    @Test(arguments: ["Europe/Vienna", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns", "UTC"])
    func instantTextsMatchTheZoneAroundItsTransitions(zone identifier: String) throws {
        let zone = try #require(Zone(identifier: identifier))
        let cache = RenderCache()
        var instants: [Instant] = []
        // Every half hour, and the millisecond either side of it, over a year of transitions.
        let start = try Instant(parsing: "2020-01-01T00:00:00Z").millisecondsSinceEpoch
        for step in stride(from: Int64(0), to: 366 * 86_400_000, by: 1_800_000) {
            for delta in [Int64(-1), 0, 1, 450_123] { instants.append(Instant(millisecondsSinceEpoch: start + step + delta)) }
        }
        for instant in instants {
            #expect(cache.text(of: instant, in: zone) == instant.formatted(in: zone), "\(instant)")
        }
    }
}
