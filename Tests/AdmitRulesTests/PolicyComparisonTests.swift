import AdmitDomain
import AdmitRules
import Testing

/// `PolicyComparison`: the spans two policies allow, and what changes, held to `decide` itself.
@Suite struct PolicyComparisonTests {
    static func span(_ start: Int64, _ end: Int64) -> Span {
        Span(start: Instant(millisecondsSinceEpoch: start), end: Instant(millisecondsSinceEpoch: end))
    }

    @Test func subtractingSpans() {
        let a = [Self.span(0, 10), Self.span(20, 30)]
        #expect(a.subtracting([]) == a)
        #expect([Span]().subtracting(a).isEmpty)
        #expect(a.subtracting(a).isEmpty)
        #expect(a.subtracting([Self.span(5, 25)]) == [Self.span(0, 5), Self.span(25, 30)])
        #expect(
            a.subtracting([Self.span(2, 3), Self.span(4, 6), Self.span(29, 40)]) == [
                Self.span(0, 2), Self.span(3, 4), Self.span(6, 10), Self.span(20, 29),
            ])
        #expect(
            [Span.always].subtracting([Self.span(0, 10)]) == [
                Span(start: .min, end: Instant(millisecondsSinceEpoch: 0)), Span(start: Instant(millisecondsSinceEpoch: 10), end: .max),
            ])
        #expect(a.subtracting([Self.span(10, 20)]) == a)
    }

    /// Random span lists against a per-instant model.
    @Test func subtractingAgreesWithAModel() {
        var generator = SystemRandomNumberGenerator()
        func list() -> [Span] {
            var spans: [Span] = []
            var at: Int64 = Int64.random(in: 0..<4, using: &generator)
            while at < 40 {
                let end = at + Int64.random(in: 1..<6, using: &generator)
                spans.append(Self.span(at, end))
                at = end + Int64.random(in: 1..<6, using: &generator)
            }
            return spans
        }
        for _ in 0..<500 {
            let a = list()
            let b = list()
            let difference = a.subtracting(b)
            for t in Int64(-1)..<60 {
                let instant = Instant(millisecondsSinceEpoch: t)
                let expected = a.contains { $0.contains(instant) } && !b.contains { $0.contains(instant) }
                #expect(difference.contains { $0.contains(instant) } == expected, "\(a) - \(b) at \(t)")
            }
            #expect(zip(difference, difference.dropFirst()).allSatisfy { $0.end < $1.start }, "maximal, in order")
        }
    }

    static let longer = try! Fixtures.compile(
        """
        window free from 2020-11-08 until 2020-11-30 in Europe/Vienna
        window after-free from 2020-11-21 in Europe/Vienna
        permit free-access:
          open lecture in package "idor-2020"
          when user.account == "active" and user enrolled in "idor-2020" and now in free
        permit premium-access:
          open lecture in package "idor-2020"
          when user.subscription == "premium" and now in after-free
        permit seventh:
          open lecture "idor-2020-07"
          when user.profession == "radiographer"
        forbid inactive-accounts:
          any
          when user.account != "active"
        """)

    @Test func lecturesEveryRuleTreatsAlikeAreOneClass() {
        let lectures = Fixtures.catalog.packages.flatMap(\.lectures)
        let comparison = PolicyComparison(old: Fixtures.shipped, new: Self.longer, lectures: lectures)
        // idor-2020 without lecture 7; lecture 7; the other package.
        #expect(comparison.lectureClasses.map(\.count) == [38, 1, 1])
        #expect(!comparison.lectureClasses[0].contains { $0.id == "idor-2020-07" })
        #expect(comparison.lectureClasses[1].map(\.id) == ["idor-2020-07"])
        #expect(comparison.lectureClasses[2].map(\.package) == ["other-2021"])
    }

    @Test func theChangeForEachDemoUser() {
        let comparison = PolicyComparison(old: Fixtures.shipped, new: Self.longer, lectures: [Fixtures.lecture])
        let ten = Span(start: Fixtures.instant("2020-11-21T00:00:00+01:00"), end: Fixtures.instant("2020-12-01T00:00:00+01:00"))
        #expect(comparison.change(opening: Fixtures.lecture, facts: Fixtures.ada).gained == [ten])
        #expect(comparison.change(opening: Fixtures.lecture, facts: Fixtures.ada).lost.isEmpty)
        #expect(comparison.change(opening: Fixtures.lecture, facts: Fixtures.dan).isEmpty, "premium already had it")
        #expect(comparison.change(opening: Fixtures.lecture, facts: Fixtures.cleo).isEmpty, "suspended")
        // Ben is a radiographer: lecture 7 opens for him always, under the new policy only.
        #expect(comparison.change(opening: Fixtures.lecture, facts: Fixtures.ben).gained == [.always])
        let first = Fixtures.catalog.lecture("idor-2020-01")!
        #expect(comparison.change(opening: first, facts: Fixtures.ben).isEmpty)
    }

    /// The spans are exact: at every boundary of either policy and of the facts, and a millisecond
    /// before it, `decide` under each policy says what the spans say.
    @Test(arguments: [Fixtures.ada, Fixtures.ben, Fixtures.cleo, Fixtures.dan])
    func theSpansAgreeWithDecideAtEveryEdge(facts: Facts) {
        let comparison = PolicyComparison(old: Fixtures.shipped, new: Self.longer, lectures: [Fixtures.lecture])
        let change = comparison.change(opening: Fixtures.lecture, facts: facts)
        let edges = Set(Fixtures.shipped.decisionBoundaries(for: facts) + Self.longer.decisionBoundaries(for: facts))
        for edge in edges where edge != .min && edge != .max {
            for instant in [edge.adding(milliseconds: -1), edge, edge.adding(milliseconds: 1)] {
                let request = AccessRequest.open(Fixtures.lecture, at: instant)
                let old = Fixtures.shipped.decide(request, facts: facts).effect == .allow
                let new = Self.longer.decide(request, facts: facts).effect == .allow
                #expect(change.before.contains { $0.contains(instant) } == old)
                #expect(change.after.contains { $0.contains(instant) } == new)
                #expect(change.gained.contains { $0.contains(instant) } == (new && !old))
                #expect(change.lost.contains { $0.contains(instant) } == (old && !new))
            }
        }
    }

    @Test func theShapeOfTwoPolicies() {
        #expect(PolicyShapeDifference(old: Fixtures.shipped, new: Fixtures.shipped).isEmpty)
        let shape = PolicyShapeDifference(old: Fixtures.shipped, new: Self.longer)
        #expect(shape.windows.map(\.name) == ["free"])
        let other = try! Fixtures.compile(
            """
            window encore from 2021-01-10 in UTC
            permit encore:
              open lecture in package "other-2021"
              when now in encore
            """)
        let moved = PolicyShapeDifference(old: Fixtures.shipped, new: other)
        #expect(moved.windows.map(\.name) == ["free", "after-free", "encore"])
        #expect(moved.windows.map { $0.new == nil } == [true, true, false])
        #expect(moved.packagesOnlyInOld == ["idor-2020"])
        #expect(moved.packagesOnlyInNew == ["other-2021"])
    }
}
