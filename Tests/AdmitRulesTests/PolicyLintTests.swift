import AdmitDomain
import Testing

@testable import AdmitRules

@Suite struct PolicyLintTests {
    /// The warnings `text` produces, as `line:col: message` strings (the policy has no errors).
    static func warnings(_ text: String) throws -> [String] {
        try Fixtures.compile(text).warnings.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }

    /// A policy that opens every lecture of both fixture packages, for tests about something else.
    static let other = "permit other: open lecture in package \"other-2021\"\n"

    @Test func theShippedPolicyWarnsOnlyAboutAPackageItDoesNotGovern() throws {
        let set = try PolicySet.compile(Fixtures.shippedSources(extension: "policy"), catalog: Fixtures.catalog)
        #expect(set.warnings.map(\.message) == ["no permit can open the only lecture of package 'other-2021' at any instant"])
        #expect(set.warnings.allSatisfy { $0.severity == .warning })
        #expect(set.warnings[0].description.contains(": warning: "))
    }

    @Test func lecturesNoPermitOpensAreNamedOncePerPackage() throws {
        let text = "permit three: open lecture \"idor-2020-03\"\npermit four: open lecture \"idor-2020-04\"\n" + Self.other
        let warnings = try Self.warnings(text)
        #expect(
            warnings == [
                "1:1: no permit can open 37 of the 39 lectures of package 'idor-2020' at any instant: idor-2020-01, idor-2020-02, idor-2020-05, …, idor-2020-39"
            ])
        // A permit that only enrols opens nothing; a forbid opens nothing either.
        let enrolOnly = try Self.warnings(
            "permit e: enrol in package \"idor-2020\"\nforbid f: open lecture \"idor-2020-01\"\n  when user.country == \"FR\"\n"
                + Self.other)
        #expect(enrolOnly.count == 1)
        #expect(enrolOnly[0].hasPrefix("1:1: no permit can open any of the 39 lectures of package 'idor-2020'"))
        #expect(try Self.warnings("permit all: open any lecture\n").isEmpty)
    }

    @Test func aPermitAForbidAlwaysOverridesIsAWarningNamingBoth() throws {
        let text = """
            permit closed-only: open lecture in package "idor-2020"
              when user.account == "closed"
            permit for-austria: open lecture "idor-2020-07"
              when user.country == "AT" and user.account == "suspended"
            permit kept: open lecture in package "idor-2020"
              when user.account == "active"
            forbid inactive: any
              when user.account != "active"

            """
        let warnings = try Self.warnings(text + Self.other)
        #expect(
            warnings == [
                "1:1: permit 'closed-only' never grants: whenever it applies, forbid 'inactive' applies too",
                "3:1: permit 'for-austria' never grants: whenever it applies, forbid 'inactive' applies too",
            ])
        // A forbid on another action or with a condition the permit can escape overrides nothing.
        #expect(
            try Self.warnings(
                "permit p: open any lecture\n  when user.account == \"closed\"\nforbid f: enrol in any package\n  when user.account == \"closed\"\n"
            ).isEmpty)
        #expect(try Self.warnings("permit p: open any lecture\nforbid f: any\n  when user.country == \"FR\"\n").isEmpty)
    }

    @Test func aLectureOnlyAnOverriddenPermitOpensIsNotOpened() throws {
        let text =
            "permit p: open lecture in package \"idor-2020\"\n  when user.account == \"closed\"\nforbid f: any\n  when user.account == \"closed\"\n"
            + Self.other
        let warnings = try Self.warnings(text)
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.contains("never grants") })
        #expect(warnings.contains { $0.contains("any of the 39 lectures of package 'idor-2020'") })
    }

    @Test func aWindowNoRuleUsesIsAWarningAtItsName() throws {
        let text =
            "window free from 2020-11-08 until 2020-11-20 in Europe/Vienna\nwindow spare from 2021-01-01 in Europe/Vienna\n"
            + "permit p: open any lecture\n  when now in free\n"
        #expect(try Self.warnings(text) == ["2:8: window 'spare' is used by no rule"])
        // Used under `not` counts as used.
        #expect(try Self.warnings(text + "forbid f: any\n  when user.country == \"FR\" and not now in spare\n").isEmpty)
    }

    @Test(arguments: [
        // The shipped chain: until 2020-11-20 (exclusive end 11-21T00:00) and from 2020-11-21 meet exactly.
        ("from 2020-11-21", nil as String?),
        // A day missed: from 2020-11-22.
        (
            "from 2020-11-22",
            "3:8: windows 'free' and 'after' are chained by rules but leave a gap [2020-11-21T00:00:00+01:00, 2020-11-22T00:00:00+01:00) that neither covers"
        ),
        // A day twice: from 2020-11-20.
        (
            "from 2020-11-20",
            "3:8: windows 'free' and 'after' are chained by rules but overlap in [2020-11-20T00:00:00+01:00, 2020-11-21T00:00:00+01:00)"
        ),
        // A millisecond missed, as when an end is written as an instant meant inclusive.
        (
            "from 2020-11-21T00:00:00.001+01:00",
            "3:8: windows 'free' and 'after' are chained by rules but leave a gap [2020-11-21T00:00:00+01:00, 2020-11-21T00:00:00.001+01:00) that neither covers"
        ),
        // Months apart: not a chain.
        ("from 2021-03-01", nil),
    ])
    func chainedWindowsThatDoNotMeetExactlyAreAWarning(after: String, expected: String?) throws {
        let text = """
            # free, then after
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            window after \(after) in Europe/Vienna
            permit during: open lecture in package "idor-2020"
              when now in free
            permit later: open lecture "idor-2020-07"
              when user.subscription == "premium" and now in after

            """
        #expect(try Self.warnings(text + Self.other) == (expected.map { [$0] } ?? []))
    }

    @Test func windowsOfRulesOnTargetsThatDoNotMeetAreNotAChain() throws {
        let text = """
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            window after from 2020-11-22 in Europe/Vienna
            permit during: open lecture in package "idor-2020"
              when now in free
            permit later: open lecture in package "other-2021"
              when now in after

            """
        #expect(try Self.warnings(text).isEmpty)
    }

    @Test func warningsRenderWithTheirCountAndSeverity() throws {
        let source = PolicySource(path: "p.policy", text: "window spare from 2021-01-01 in Europe/Vienna\npermit p: open any lecture\n")
        let set = try PolicySet.compile([source], catalog: Fixtures.catalog)
        let rendered = PolicyDiagnostics(set.warnings).rendered(sources: [source])
        #expect(
            rendered
                == "p.policy:1:8: warning: window 'spare' is used by no rule\nwindow spare from 2021-01-01 in Europe/Vienna\n       ^\n1 warning"
        )
    }
}
