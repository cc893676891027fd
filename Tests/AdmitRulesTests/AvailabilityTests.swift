import AdmitDomain
import AdmitRules
import Testing

/// `when`: the exact spans in which each demo user may open a lecture, and the next flip.
@Suite struct AvailabilityTests {
    let request = AccessRequest.open(Fixtures.lecture, at: .min)

    func spans(_ facts: Facts, range: Span = .always, reference: Instant = Fixtures.instant("2020-11-15T12:00:00Z")) -> Availability {
        Fixtures.shipped.availability(of: request, facts: facts, in: range, reference: reference)
    }

    @Test func adaFromHerEnrolmentUntilTheWindowCloses() {
        let availability = spans(Fixtures.ada)
        #expect(
            availability.allowed == [
                Span(start: Fixtures.instant("2020-11-09T10:00:00+01:00"), end: Fixtures.instant("2020-11-21T00:00:00+01:00"))
            ])
        #expect(availability.effectAtReference == .allow)
        #expect(availability.nextFlip == Fixtures.instant("2020-11-21T00:00:00+01:00"))
    }

    @Test func benNever() {
        let availability = spans(Fixtures.ben)
        #expect(availability.allowed.isEmpty)
        #expect(availability.effectAtReference == .deny)
        #expect(availability.nextFlip == nil)
    }

    @Test func cleoNeverWhileSuspended() {
        let availability = spans(Fixtures.cleo)
        #expect(availability.allowed.isEmpty)
        #expect(availability.nextFlip == nil)
    }

    @Test func danFromHisEnrolmentOnwardsWithoutAGap() {
        let availability = spans(Fixtures.dan)
        #expect(availability.allowed == [Span(start: Fixtures.instant("2020-11-12T18:30:00+01:00"), end: .max)])
        #expect(availability.nextFlip == nil)
        let before = spans(Fixtures.dan, reference: Fixtures.instant("2020-11-01T00:00:00Z"))
        #expect(before.effectAtReference == .deny)
        #expect(before.nextFlip == Fixtures.instant("2020-11-12T18:30:00+01:00"))
    }

    @Test func aRangeClipsTheSpans() {
        let range = Span(start: Fixtures.instant("2020-11-15T00:00:00Z"), end: Fixtures.instant("2020-11-16T00:00:00Z"))
        #expect(spans(Fixtures.ada, range: range).allowed == [range])
        let late = Span(start: Fixtures.instant("2020-12-01T00:00:00Z"), end: Fixtures.instant("2020-12-02T00:00:00Z"))
        #expect(spans(Fixtures.ada, range: late).allowed.isEmpty)
    }

    @Test func aWithdrawalSplitsTheSpans() {
        let facts = Facts(
            user: Fixtures.user(7, "x@example.org"),
            enrolments: [
                Fixtures.enrolment(7, "2020-11-09T00:00:00Z", withdrawn: "2020-11-12T00:00:00Z"),
                Fixtures.enrolment(7, "2020-11-14T00:00:00Z"),
            ])
        #expect(
            spans(facts).allowed == [
                Span(start: Fixtures.instant("2020-11-09T00:00:00Z"), end: Fixtures.instant("2020-11-12T00:00:00Z")),
                Span(start: Fixtures.instant("2020-11-14T00:00:00Z"), end: Fixtures.instant("2020-11-20T23:00:00Z")),
            ])
    }

    /// Every span edge is exact: allowed at its start, denied a millisecond before; denied at its end.
    @Test func spanEdgesAgreeWithDecide() {
        for facts in [Fixtures.ada, Fixtures.dan] {
            #expect(!spans(facts).allowed.isEmpty, "the loop below has edges to check")
            for span in spans(facts).allowed {
                var probe = request
                probe.at = span.start
                #expect(Fixtures.shipped.decide(probe, facts: facts).effect == .allow)
                if span.start != .min {
                    probe.at = span.start.adding(milliseconds: -1)
                    #expect(Fixtures.shipped.decide(probe, facts: facts).effect == .deny)
                }
                if span.end != .max {
                    probe.at = span.end
                    #expect(Fixtures.shipped.decide(probe, facts: facts).effect == .deny)
                    probe.at = span.end.adding(milliseconds: -1)
                    #expect(Fixtures.shipped.decide(probe, facts: facts).effect == .allow)
                }
            }
        }
    }
}

/// The policy's own tests: the shipped ones pass, and a wrong expectation is caught.
@Suite struct PolicyTestSuiteTests {
    @Test func shippedPolicyTestsPass() throws {
        let suite = try PolicyTestSuite.parse(try Fixtures.shippedSources(extension: "tests"), catalog: Fixtures.catalog)
        #expect(suite.cases.count >= 25)
        let results = suite.run(against: Fixtures.shipped)
        for result in results where !result.passed {
            Issue.record("\(result.test.location): \(result.failure)")
        }
    }

    @Test func aWrongExpectationFails() throws {
        let text = """
            user ada enrolled in "idor-2020" at 2020-11-09T10:00:00+01:00
            expect allow ada open "idor-2020-07" at 2020-11-21T00:00:00+01:00
            expect deny ada open "idor-2020-07" at 2020-11-21T00:00:00+01:00 because window-not-yet-open
            expect deny ada open "idor-2020-07" at 2020-11-21T00:00:00+01:00 because window-closed
            """
        let suite = try PolicyTestSuite.parse([PolicySource(path: "t.tests", text: text)], catalog: Fixtures.catalog)
        let results = suite.run(against: Fixtures.shipped)
        #expect(results.map(\.passed) == [false, false, true])
        #expect(results[0].failure.hasPrefix("expected allow, got deny"))
        #expect(results[1].missingCodes == [.windowNotYetOpen])
    }

    @Test func testFileErrorsAreLocated() {
        let text = """
            user ada account "actve" enrolled in "idor-2020" at 2020-11-09T10:00:00+01:00
            user bob
            expect allow bo open "idor-2020-07" at 2020-11-15T00:00:00Z
            expect deny bob open "idor-2020-99" at 2020-11-15T00:00:00Z
            expect deny bob enrol in "idor-2020" at 2020-11-15T00:00:00
            expect deny bob enrol in "idor-2020" at 2020-11-15T00:00:00Z because window-shut
            """
        #expect(throws: PolicyDiagnostics.self) {
            try PolicyTestSuite.parse([PolicySource(path: "t.tests", text: text)], catalog: Fixtures.catalog)
        }
        do {
            _ = try PolicyTestSuite.parse([PolicySource(path: "t.tests", text: text)], catalog: Fixtures.catalog)
        } catch {
            #expect(
                error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" } == [
                    "1:18: unknown value 'actve' for user.account; expected one of \"active\", \"suspended\", \"closed\"",
                    "3:14: undefined test user 'bo'; did you mean 'bob'?",
                    "4:22: unknown lecture 'idor-2020-99'; did you mean 'idor-2020-09'?",
                    "5:41: '2020-11-15T00:00:00' has no offset; add Z or ±HH:MM (local time is never assumed)",
                    "6:70: unknown reason code 'window-shut'",
                ])
        }
    }
}
