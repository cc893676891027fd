import AdmitDomain
import AdmitRules
import Testing

/// `decisionBoundaries(for:)`: between two boundaries every explanation is the same.
@Suite struct BoundaryTests {
    static let facts: [Facts] = [
        Facts(user: Fixtures.user(1, "ada@example.org"), enrolments: [Fixtures.enrolment(1, "2020-11-09T10:00:00+01:00")]),
        Facts(user: Fixtures.user(2, "ben@example.org"), enrolments: []),
        Facts(user: Fixtures.user(3, "cleo@example.org", account: .suspended), enrolments: [Fixtures.enrolment(3, "2020-11-12T00:00:00Z")]),
        Facts(user: Fixtures.user(4, "dan@example.org", subscription: "premium"), enrolments: []),
        Facts(
            user: Fixtures.user(5, "eve@example.org"),
            enrolments: [
                Fixtures.enrolment(5, "2020-11-10T08:00:00+01:00", withdrawn: "2020-11-14T08:00:00+01:00"),
                Fixtures.enrolment(5, "2020-11-16T08:00:00+01:00"),
            ]),
    ]

    @Test(arguments: Array(0..<5))
    func explanationsAreConstantBetweenBoundaries(user: Int) {
        let facts = Self.facts[user]
        let set = Fixtures.shipped
        let bounds = set.decisionBoundaries(for: facts)
        #expect(bounds == bounds.sorted() && Set(bounds).count == bounds.count)
        // Probe each boundary, a millisecond either side, and points far outside.
        var probes: [Instant] = [Fixtures.instant("2019-01-01T00:00:00Z"), Fixtures.instant("2030-01-01T00:00:00Z")]
        for bound in bounds where bound != .min && bound != .max {
            probes += [bound.adding(milliseconds: -1), bound, bound.adding(milliseconds: 1), bound.adding(milliseconds: 3_600_000)]
        }
        var firstBySpan: [Int: Decision] = [:]
        for probe in probes.sorted() {
            let decision = set.explain(.open(Fixtures.lecture, at: probe), facts: facts)
            let span = bounds.span(containing: probe)
            if let first = firstBySpan[span] {
                #expect(first == decision, "span \(span) at \(probe)")
            } else {
                firstBySpan[span] = decision
            }
        }
        #expect(firstBySpan.count >= 3)
    }

    @Test func spanCountsTheBoundariesAtOrBefore() {
        let bounds = [10, 20, 30].map { Instant(millisecondsSinceEpoch: $0) }
        #expect([9, 10, 19, 20, 30, 31].map { bounds.span(containing: Instant(millisecondsSinceEpoch: $0)) } == [0, 1, 1, 2, 3, 3])
        #expect([Instant]().span(containing: .min) == 0)
    }
}
