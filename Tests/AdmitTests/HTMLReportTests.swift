import AdmitDomain
import AdmitTestSupport
import Foundation
import Testing

@testable import Admit

/// Fixed, in-memory reports: the same every run, with hostile text where people's text goes.
enum HTMLFixtures {
    static let vienna = Zone(identifier: "Europe/Vienna")!
    static let hostile = "<script>alert(1)</script> \"Bob\" O'Brien & Co"

    static let package = Package(
        id: "idor-2020", title: "IDoR 2020 & <b>COVID-19</b>", platform: "ESR Connect", zone: vienna, lectures: [])

    static func day(_ text: String) -> LocalDate {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return LocalDate(year: parts[0], month: parts[1], day: parts[2])!
    }

    /// The shipped policy's windows: `free` for 2020-11-08..20 in Vienna, `after-free` from the 21st on.
    static let windows = [
        AccessWindow(
            name: "free", zone: vienna, span: Span(start: instant("2020-11-08T00:00:00+01:00"), end: instant("2020-11-21T00:00:00+01:00"))),
        AccessWindow(name: "after-free", zone: vienna, span: Span(start: instant("2020-11-21T00:00:00+01:00"), end: .max)),
    ]

    static let options = HTMLReportOptions(
        windows: windows, policy: PolicyVersion(hash: "sha256:" + String(repeating: "ab", count: 32)),
        generatedAt: instant("2020-11-22T08:00:00+01:00"), topRows: 3)

    static func row(_ user: Int64, _ email: String, _ name: String, _ country: String?, _ at: String, _ detail: String)
        -> EnrolmentReport.Row
    {
        EnrolmentReport.Row(user: UserID(user), email: email, name: name, country: country, at: instant(at), detail: detail)
    }

    /// Enrolments on four days of the window, with a gap; more countries than `topRows`.
    static let enrolments = EnrolmentReport(
        package: package, range: .always, total: 12, withdrawn: 1, people: 11, first: instant("2020-11-08T09:15:00+01:00"),
        last: instant("2020-11-20T23:59:59.999+01:00"),
        perDay: [(day("2020-11-08"), 5), (day("2020-11-09"), 3), (day("2020-11-12"), 1), (day("2020-11-20"), 3)],
        byProfession: [("radiologist", 7), ("radiographer", 4), ("other", 1)],
        byCountry: [("AT", 5), ("DE", 3), ("IT", 2), ("FR", 1), ("unknown", 1)],
        bySource: [("self", 10), ("bulk", 1), ("admin", 1)],
        anomalies: [
            EnrolmentReport.Anomaly(
                kind: .forced, count: 1,
                rows: [row(7, "late@example.org", hostile, "AT", "2020-11-20T23:59:59.999+01:00", "source admin, forced")]),
            EnrolmentReport.Anomaly(
                kind: .inactiveAccount, count: 0, rows: []),
            EnrolmentReport.Anomaly(
                kind: .likelyDuplicate, count: 1,
                rows: [
                    row(
                        9, "ada+idor@example.org", "Ada", "AT", "2020-11-09T10:00:00+01:00",
                        "address ada+idor@example.org is ada@example.org with a tag; same as user 1")
                ]),
            EnrolmentReport.Anomaly(kind: .openedWithoutEnrolment, count: 0, rows: []),
            EnrolmentReport.Anomaly(
                kind: .neverOpened, count: 4,
                rows: [
                    row(2, "a&b@example.org", "Ben \"the <i>ninja</i>\"", nil, "2020-11-08T09:15:00+01:00", "source self"),
                    row(3, "o'brien@example.org", "Ciarán O'Brien", "IT", "2020-11-12T18:30:00+01:00", "source bulk"),
                ]),
        ])

    static func reason(_ code: ReasonCode, _ rule: RuleID?, _ message: String) -> Reason {
        Reason(code: code, rule: rule, message: message)
    }

    /// Decisions newest first, as `Admission.decisions` gives them.
    static let decisionRows: [DecisionReport.Row] = {
        let policy = "sha256:" + String(repeating: "cd", count: 32)
        func decision(_ seq: Int64, _ at: String, user: Int64, _ effect: Effect, _ reasons: [Reason], actor: String = "cli:admin")
            -> DecisionReport.Row
        {
            DecisionReport.Row(
                seq: seq, recordedAt: instant("2020-11-22T07:00:00Z").adding(milliseconds: seq * 1000), actor: actor, user: UserID(user),
                package: "idor-2020", lecture: "idor-2020-07", action: .open, at: instant(at), effect: effect, policyHash: policy,
                reasons: reasons)
        }
        let noPermit = reason(.noPermit, nil, "no permit applies to opening lecture 'idor-2020-07'")
        let forbidden = reason(.forbidden, "inactive-accounts", "forbid 'inactive-accounts' applies")
        let permitted = reason(.permitted, "free-access", "permit 'free-access' applies")
        return [
            decision(16, "2020-12-01T10:00:00+01:00", user: 1, .deny, [noPermit]),
            decision(15, "2020-11-30T10:00:00+01:00", user: 2, .deny, [noPermit], actor: hostile),
            decision(14, "2020-11-20T23:59:59.999+01:00", user: 1, .allow, [permitted]),
            decision(13, "2020-11-15T10:00:00+01:00", user: 3, .deny, [forbidden, forbidden]),
            decision(12, "2020-11-15T09:00:00+01:00", user: 4, .allow, [permitted]),
            decision(11, "2020-11-15T08:00:00+01:00", user: 3, .deny, [forbidden, noPermit]),
            decision(10, "2020-11-08T00:00:00+01:00", user: 1, .allow, [permitted]),
        ]
    }()

    static let decisions = DecisionReport(
        decisionRows, zone: vienna, filters: [DecisionReport.Filter(name: "package", value: "idor-2020")], limit: 4)

    /// `Tests/Fixtures/html/NAME`.
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/html/\(name)")
    }

    /// Compares `html` with the expected file; `ADMIT_UPDATE_FIXTURES=1 swift test` writes it instead.
    static func expectMatches(_ html: String, fixture name: String) throws {
        let url = fixture(name)
        if ProcessInfo.processInfo.environment["ADMIT_UPDATE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(html.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if html != expected {
            let got = html.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            Issue.record(
                "\(name) differs from line \(line + 1): got \(got.indices.contains(line) ? String(got[line]) : "<end>"), expected \(want.indices.contains(line) ? String(want[line]) : "<end>") (ADMIT_UPDATE_FIXTURES=1 rewrites it)"
            )
        }
    }

    /// The number of non-overlapping occurrences of `needle`.
    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The values of attribute `name` in the order they appear.
    static func attributeValues(_ name: String, in text: String) -> [String] {
        text.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The `<svg …>…</svg>` element with this id.
    static func svg(id: String, in html: String) -> String? {
        guard let start = html.range(of: "<svg class=\"chart\" id=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }
}

@Suite struct HTMLReportRenderingTests {
    @Test func theEnrolmentReportMatchesItsExpectedFile() throws {
        try HTMLFixtures.expectMatches(HTMLFixtures.enrolments.html(HTMLFixtures.options), fixture: "enrolment-report.html")
    }

    @Test func theDecisionReportMatchesItsExpectedFile() throws {
        try HTMLFixtures.expectMatches(HTMLFixtures.decisions.html(HTMLFixtures.options), fixture: "decision-report.html")
    }

    @Test func theSameReportGivesTheSameBytesAndNoClockUnlessGiven() {
        let once = HTMLFixtures.enrolments.html(HTMLFixtures.options)
        #expect(once == HTMLFixtures.enrolments.html(HTMLFixtures.options))
        var options = HTMLFixtures.options
        options.generatedAt = nil
        let plain = HTMLFixtures.enrolments.html(options)
        #expect(once.contains("2020-11-22T08:00:00+01:00"))
        #expect(!plain.contains("2020-11-22T08:00:00+01:00"))
        #expect(HTMLFixtures.decisions.html(options) == HTMLFixtures.decisions.html(options))
    }

    /// People's text (names, addresses, actors, titles, messages) is text: no element, no broken
    /// attribute, every `&` the start of a character reference.
    @Test(arguments: ["enrolments", "decisions"])
    func hostileTextIsEscaped(_ which: String) {
        let html =
            which == "enrolments" ? HTMLFixtures.enrolments.html(HTMLFixtures.options) : HTMLFixtures.decisions.html(HTMLFixtures.options)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>") && !html.contains("<i>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;Bob&quot; O&#39;Brien &amp; Co"))
        for piece in html.components(separatedBy: "&").dropFirst() {
            #expect(["amp;", "lt;", "gt;", "quot;", "#39;"].contains { piece.hasPrefix($0) }, "a bare & before \(piece.prefix(20))")
        }
        // No quote inside an attribute value: every `="` is closed by the next `"` before a space, `>` or `/`.
        for value in html.components(separatedBy: "=\"").dropFirst() {
            let after = value.drop { $0 != "\"" }.dropFirst().first
            #expect(after.map { " >/\n".contains($0) } ?? false, "attribute value \(value.prefix(30)) runs on")
        }
    }

    @Test func escapeHandlesEveryMarkupCharacterAndControls() {
        #expect(HTMLPage.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLPage.escape("tab\tnew\nline") == "tab\tnew\nline")
        #expect(HTMLPage.escape("nul\u{0}bell\u{7}del\u{7F}") == "nul\u{FFFD}bell\u{FFFD}del\u{FFFD}")
        #expect(HTMLPage.escape("Ciarán 🩻") == "Ciarán 🩻")
    }

    @Test func theChartHasOneBarPerDayIncludingDaysWithoutEnrolments() throws {
        let html = HTMLFixtures.enrolments.html(HTMLFixtures.options)
        let chart = try #require(HTMLFixtures.svg(id: "per-day", in: html))
        // 2020-11-08 … 2020-11-20: 13 days, of which 4 have enrolments.
        #expect(HTMLFixtures.occurrences(of: "class=\"bar ", in: chart) == 13)
        #expect(HTMLFixtures.attributeValues("data-days", in: chart) == ["13"])
        let days = HTMLFixtures.attributeValues("data-day", in: chart)
        #expect(days == (8...20).map { "2020-11-\($0 < 10 ? "0" : "")\($0)" })
        let counts = HTMLFixtures.attributeValues("data-count", in: chart).compactMap(Int64.init)
        #expect(counts.reduce(0, +) == HTMLFixtures.enrolments.total)
        #expect(counts.filter { $0 > 0 } == [5, 3, 1, 3])
        // The window edges: free opens at the left edge, free closes and after-free opens together at the right.
        #expect(HTMLFixtures.attributeValues("data-position", in: chart) == ["0", "13"])
        #expect(chart.contains("free closes · after-free opens"))
        // The cumulative chart covers the same days and ends at the total.
        let cumulative = try #require(HTMLFixtures.svg(id: "cumulative", in: html))
        #expect(HTMLFixtures.attributeValues("data-days", in: cumulative) == ["13"])
        #expect(HTMLFixtures.attributeValues("data-total", in: cumulative) == ["12"])
    }

    @Test func theDecisionChartHasOneStackedBarPerDay() throws {
        let html = HTMLFixtures.decisions.html(HTMLFixtures.options)
        let chart = try #require(HTMLFixtures.svg(id: "per-day", in: html))
        // 2020-11-08 … 2020-12-01: 24 days.
        #expect(HTMLFixtures.occurrences(of: "<g class=\"bar\"", in: chart) == 24)
        #expect(HTMLFixtures.attributeValues("data-days", in: chart) == ["24"])
        #expect(HTMLFixtures.attributeValues("data-allow", in: chart).compactMap(Int.init).reduce(0, +) == 3)
        #expect(HTMLFixtures.attributeValues("data-deny", in: chart).compactMap(Int.init).reduce(0, +) == 4)
    }

    /// Edges more than 31 days beyond the enrolments do not stretch the chart; the table says so.
    @Test func distantWindowEdgesStayOffTheChart() throws {
        var report = HTMLFixtures.enrolments
        report.perDay = [(HTMLFixtures.day("2020-11-12"), 12)]
        let far = AccessWindow(
            name: "spring", zone: HTMLFixtures.vienna,
            span: Span(start: instant("2021-03-01T00:00:00+01:00"), end: instant("2021-03-02T12:00:00+01:00")))
        let html = report.html(HTMLReportOptions(windows: HTMLFixtures.windows + [far]))
        let chart = try #require(HTMLFixtures.svg(id: "per-day", in: html))
        // From free's opening (4 days before) to its closing (8 days after): 11-08 … 11-20.
        #expect(HTMLFixtures.attributeValues("data-days", in: chart) == ["13"])
        #expect(!chart.contains("spring"))
        #expect(HTMLFixtures.occurrences(of: "(not on the chart)", in: html) == 2)
    }

    @Test func anEdgeInsideADayIsDrawnWithinIt() {
        let zone = HTMLFixtures.vienna
        let first = HTMLFixtures.day("2020-11-08")
        let edges = HTMLDayChart.edges(
            [
                (instant("2020-11-10T12:00:00+01:00"), "noon"), (instant("2020-11-21T00:00:00+01:00"), "end"),
                (instant("2020-11-21T00:00:00.001+01:00"), "late"),
            ],
            first: first, days: 13, zone: zone)
        #expect(edges == [HTMLDayChart.Edge(position: 2.5, labels: ["noon"]), HTMLDayChart.Edge(position: 13, labels: ["end"])])
    }

    @Test func aVeryLongSpanIsCutAtTheMaximumAndSaysSo() throws {
        var report = HTMLFixtures.enrolments
        report.perDay = [(HTMLFixtures.day("2020-11-08"), 10), (HTMLFixtures.day("2024-01-01"), 2)]
        let html = report.html(HTMLReportOptions())
        let chart = try #require(HTMLFixtures.svg(id: "per-day", in: html))
        #expect(HTMLFixtures.occurrences(of: "class=\"bar ", in: chart) == HTMLDayChart.maximumDays)
        #expect(html.contains("2 enrolments on later days are not drawn"))
        #expect(html.contains("<time>2024-01-01</time>"), "the table still lists the day")
    }

    @Test func anEmptyReportSaysSoAndDrawsNoChart() {
        var report = HTMLFixtures.enrolments
        report.perDay = []
        report.total = 0
        report.first = nil
        report.last = nil
        let html = report.html(HTMLFixtures.options)
        #expect(html.contains("No enrolments."))
        #expect(!html.contains("<svg class=\"chart\""))
    }

    @Test func breakdownsShowTheTopRowsAndCountTheRest() {
        let html = HTMLFixtures.enrolments.html(HTMLFixtures.options)
        // topRows 3 of 5 countries: FR and unknown are summed up.
        #expect(html.contains("<tr class=\"rest\"><th scope=\"row\">2 more</th><td class=\"num\">2</td><td class=\"num\">16.7%</td>"))
        #expect(html.contains("2 of 4 rows shown"))
    }

    @Test func thePageFetchesAndRunsNothing() {
        for html in [HTMLFixtures.enrolments.html(HTMLFixtures.options), HTMLFixtures.decisions.html(HTMLFixtures.options)] {
            #expect(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
            for needle in ["<script", "<link", "<img", "src=", "@import", "url(http", "//fonts"] {
                #expect(!html.contains(needle), "\(needle)")
            }
        }
    }
}

@Suite struct DecisionReportTests {
    @Test func countsEveryDecisionAndListsTheNewest() {
        let report = HTMLFixtures.decisions
        #expect(report.total == 7)
        #expect(report.allowed == 3)
        #expect(report.denied == 4)
        #expect(report.rows.map(\.seq) == [16, 15, 14, 13])
        #expect(report.first == instant("2020-11-08T00:00:00+01:00"))
        #expect(report.last == instant("2020-12-01T10:00:00+01:00"))
        // Days in Vienna: 23:59:59.999 on the 20th is the 20th.
        #expect(
            report.perDay.map { "\($0.day) \($0.allowed)/\($0.denied)" } == [
                "2020-11-08 1/0", "2020-11-15 1/2", "2020-11-20 1/0", "2020-11-30 0/1", "2020-12-01 0/1",
            ])
    }

    @Test func denyReasonsCountOncePerDecisionMostFirstTiesByCode() {
        let reasons = HTMLFixtures.decisions.denyReasons.map { "\($0.code.rawValue) \($0.rule?.rawValue ?? "-") \($0.count)" }
        // no-permit: #16, #15, #11; forbidden: #13 (twice in it, counted once) and #11.
        #expect(reasons == ["no-permit - 3", "forbidden inactive-accounts 2"])
        #expect(HTMLFixtures.decisions.denyReasons.first?.example == "no permit applies to opening lecture 'idor-2020-07'")
        let tied = DecisionReport(Array(HTMLFixtures.decisionRows.prefix(1)) + HTMLFixtures.decisionRows.suffix(4), zone: .utc)
        #expect(tied.denyReasons.map(\.code) == [.forbidden, .noPermit], "2 each: by code")
    }

    @Test func limitZeroListsAll() {
        #expect(DecisionReport(HTMLFixtures.decisionRows, zone: .utc, limit: 0).rows.count == 7)
        #expect(DecisionReport(HTMLFixtures.decisionRows, zone: .utc, limit: nil).rows.count == 7)
    }

    @Test(arguments: StoreKind.allCases) func fromTheDatabaseWithFilters(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        for user in ["ada", "ben", "ada", "dan"] {
            _ = try admission.check(user: "\(user)@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        }
        _ = try admission.check(user: "ada@example.org", lecture: "idor-2020-08", at: instant("2020-12-15T10:00:00+01:00"))
        let all = try admission.decisionReport(limit: 2)
        #expect(all.total == 5)
        #expect(all.rows.map(\.seq) == [13, 12])
        #expect(all.zone.identifier == "Europe/Vienna")
        #expect(all.denyReasons.map(\.code) == [.noPermit])
        let ada = try admission.decisionReport(user: "ADA@example.org", lecture: "idor-2020-07")
        #expect(ada.total == 2)
        #expect(ada.filters.map { "\($0.name)=\($0.value)" } == ["user=ada@example.org (user 1)", "lecture=idor-2020-07"])
        let html = ada.html(admission.htmlReportOptions)
        #expect(html.contains("<code>free</code>") == false, "the decision report marks windows on its chart only")
        #expect(html.contains("free opens"))
        #expect(throws: AdmitError.unknownUser("nobody@example.org")) { try admission.decisionReport(user: "nobody@example.org") }
    }
}

@Suite struct HTMLChartAxisTests {
    /// The axis labels of a big report fit left of the plot (12px labels: about 7.2 units a
    /// character), and the bars and the running total use the same margin, so their days line up.
    @Test func largeCountsFitLeftOfThePlotAndBothChartsAlign() throws {
        var report = HTMLFixtures.enrolments
        report.perDay = [(HTMLFixtures.day("2020-11-08"), 600_000), (HTMLFixtures.day("2020-11-09"), 400_003)]
        report.total = 1_000_003
        let html = report.html(HTMLFixtures.options)
        let bars = try #require(HTMLFixtures.svg(id: "per-day", in: html))
        let cumulative = try #require(HTMLFixtures.svg(id: "cumulative", in: html))
        #expect(cumulative.contains(">1,200,000</text>"))
        func axisX(_ svg: String) -> Double? {
            HTMLFixtures.attributeValues("x1", in: svg.components(separatedBy: "<line class=\"axis\"").dropFirst().first ?? "").first
                .flatMap(Double.init)
        }
        let left = try #require(axisX(cumulative))
        #expect(axisX(bars) == left)
        #expect(left - 6 >= 7.2 * Double("1,200,000".count))
    }
}

@Suite struct HTMLChartScaleTests {
    @Test(
        arguments: [
            (0, 1), (1, 1), (3, 3), (7, 8), (10, 10), (11, 12), (12, 12), (13, 15), (99, 100), (101, 120), (1_000_003, 1_200_000),
            (2_000_000, 2_000_000), (8_000_001, 10_000_000),
        ] as [(Int64, Int64)])
    func theAxisTopIsARoundNumberAtOrAboveTheLargestValue(_ value: Int64, _ top: Int64) {
        #expect(HTMLDayChart.niceCeiling(value) == top)
    }
}
