import AdmitDomain
import AdmitRules
import Testing

/// The IDoR free window to the millisecond, written in several offsets, on both sides of both edges.
@Suite struct WindowEdgeTests {
    static let edges: [(String, Effect)] = [
        // Opening edge: 2020-11-08T00:00:00+01:00 = 2020-11-07T23:00:00Z.
        ("2020-11-07T23:59:59.999+01:00", .deny),
        ("2020-11-08T00:00:00.000+01:00", .allow),
        ("2020-11-07T22:59:59.999Z", .deny),
        ("2020-11-07T23:00:00.000Z", .allow),
        ("2020-11-07T17:59:59.999-05:00", .deny),
        ("2020-11-07T18:00:00.000-05:00", .allow),
        ("2020-11-08T04:29:59.999+05:30", .deny),
        ("2020-11-08T04:30:00.000+05:30", .allow),
        // Closing edge: 2020-11-21T00:00:00+01:00 = 2020-11-20T23:00:00Z, exclusive.
        ("2020-11-20T23:59:59.999+01:00", .allow),
        ("2020-11-21T00:00:00.000+01:00", .deny),
        ("2020-11-20T22:59:59.999Z", .allow),
        ("2020-11-20T23:00:00.000Z", .deny),
        ("2020-11-20T17:59:59.999-05:00", .allow),
        ("2020-11-20T18:00:00.000-05:00", .deny),
        ("2020-11-21T08:59:59.999+10:00", .allow),
        ("2020-11-21T09:00:00.000+10:00", .deny),
    ]

    @Test(arguments: edges)
    func freeAccessForAnEarlyEnrolledUser(at text: String, expected: Effect) {
        let early = Facts(user: Fixtures.user(9, "early@example.org"), enrolments: [Fixtures.enrolment(9, "2020-11-01T00:00:00Z")])
        let request = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant(text))
        #expect(Fixtures.shipped.decide(request, facts: early).effect == expected)
        #expect(Fixtures.shipped.explain(request, facts: early).effect == expected)
    }

    @Test(arguments: edges)
    func freeEnrolment(at text: String, expected: Effect) {
        let request = AccessRequest.enrol(in: "idor-2020", at: Fixtures.instant(text))
        #expect(Fixtures.shipped.decide(request, facts: Fixtures.ben).effect == expected)
    }

    @Test func theWindowIsTheWholeOfBothDaysInVienna() throws {
        let free = try #require(Fixtures.shipped.window(named: "free"))
        #expect(free.span.start == Fixtures.instant("2020-11-07T23:00:00Z"))
        #expect(free.span.end == Fixtures.instant("2020-11-20T23:00:00Z"))
        #expect(free.zone.identifier == "Europe/Vienna")
    }

    @Test func closedWindowExplainsWhenItClosed() {
        let request = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-21T00:00:00+01:00"))
        let decision = Fixtures.shipped.explain(request, facts: Fixtures.ada)
        #expect(decision.effect == .deny)
        #expect(decision.reasons.first?.code == .noPermit)
        #expect(decision.nearestMiss?.rule == "free-access")
        #expect(decision.nearestMiss?.failedClauses.map(\.code) == [.windowClosed])
        #expect(decision.nearestMiss?.failedClauses.first?.message == "window 'free' closed at 2020-11-21T00:00:00+01:00")
    }

    @Test func windowNotYetOpenSaysWhenItOpens() {
        let request = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-01T00:00:00Z"))
        let early = Facts(user: Fixtures.user(9, "early@example.org"), enrolments: [Fixtures.enrolment(9, "2020-10-01T00:00:00Z")])
        let decision = Fixtures.shipped.explain(request, facts: early)
        #expect(decision.nearestMiss?.failedClauses.first?.message == "window 'free' opens at 2020-11-08T00:00:00+01:00")
    }
}

@Suite struct EnrolmentInstantTests {
    @Test(arguments: [
        ("2020-11-09T09:59:59.999+01:00", Effect.deny, ReasonCode.enrolledLater),
        ("2020-11-09T10:00:00.000+01:00", .allow, .permitted),
    ])
    func anEnrolmentCountsFromItsInstant(at text: String, effect: Effect, code: ReasonCode) {
        let decision = Fixtures.shipped.explain(.open(Fixtures.lecture, at: Fixtures.instant(text)), facts: Fixtures.ada)
        #expect(decision.effect == effect)
        #expect(decision.allCodes.contains(code))
    }

    @Test func aWithdrawnEnrolmentStopsCounting() {
        let gone = Facts(
            user: Fixtures.user(7, "gone@example.org"),
            enrolments: [Fixtures.enrolment(7, "2020-11-09T00:00:00Z", withdrawn: "2020-11-15T00:00:00Z")])
        let before = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-14T23:59:59.999Z"))
        let after = AccessRequest.open(Fixtures.lecture, at: Fixtures.instant("2020-11-15T00:00:00Z"))
        #expect(Fixtures.shipped.decide(before, facts: gone).effect == .allow)
        let decision = Fixtures.shipped.explain(after, facts: gone)
        #expect(decision.effect == .deny)
        #expect(decision.allCodes.contains(.enrolmentWithdrawn))
    }

    @Test func anEnrolmentInAnotherPackageDoesNotCount() {
        let elsewhere = Facts(
            user: Fixtures.user(8, "x@example.org"), enrolments: [Fixtures.enrolment(8, "2020-11-01T00:00:00Z", package: "other-2021")])
        let decision = Fixtures.shipped.explain(.open(Fixtures.lecture, at: Fixtures.instant("2020-11-15T00:00:00Z")), facts: elsewhere)
        #expect(decision.effect == .deny)
        #expect(decision.allCodes.contains(.notEnrolled))
    }
}
