import AdmitDomain
import AdmitRules
import Testing

/// Every validation error, with its location, and all of them at once.
@Suite struct PolicyCompilerTests {
    @Test(arguments: [
        // Unknown attribute, with a suggestion.
        (
            "permit p: open any lecture when user.acount == \"active\"\n",
            "1:38: unknown attribute 'user.acount'; did you mean 'user.account'?"
        ),
        // Unknown value.
        (
            "permit p: open any lecture when user.account == \"actve\"\n",
            "1:49: unknown value 'actve' for user.account; expected one of \"active\", \"suspended\", \"closed\""
        ),
        (
            "permit p: open any lecture when user.profession in [\"radiologist\", \"doctor\"]\n",
            "1:68: unknown value 'doctor' for user.profession; expected one of \"radiologist\", \"radiographer\", \"other\""
        ),
        (
            "permit p: open any lecture when user.country == \"XX\"\n",
            "1:49: unknown value 'XX' for user.country; expected an assigned ISO 3166-1 alpha-2 code in capitals such as \"AT\""
        ),
        (
            "permit p: open any lecture when user.subscription == \"Gold Plan\"\n",
            "1:54: unknown value 'Gold Plan' for user.subscription; expected \"none\" or a plan name of lowercase letters, digits and '-' such as \"premium\""
        ),
        // Unknown package and lecture.
        ("permit p: open lecture in package \"idor-2021\"\n", "1:35: unknown package 'idor-2021'; did you mean 'idor-2020'?"),
        ("permit p: open lecture \"idor-2020-40\"\n", "1:24: unknown lecture 'idor-2020-40'; did you mean 'idor-2020-04'?"),
        ("permit p: open any lecture when user enrolled in \"nope\"\n", "1:50: unknown package 'nope'"),
        // Undefined window.
        (
            "window free from 2020-11-08 in UTC\npermit p: open any lecture when now in fre\n",
            "2:40: undefined window 'fre'; did you mean 'free'?"
        ),
        // Window ending before it starts, and an empty window.
        (
            "window w from 2020-11-20 until 2020-11-08 in Europe/Vienna\n",
            "1:8: window 'w' ends (2020-11-09T00:00:00+01:00) before it starts (2020-11-20T00:00:00+01:00)"
        ),
        (
            "window w from 2020-11-08T10:00:00Z until 2020-11-08T10:00:00Z in UTC\n",
            "1:8: window 'w' ends (2020-11-08T10:00:00Z) before it starts (2020-11-08T10:00:00Z)"
        ),
        ("window w in UTC\n", "1:8: window 'w' needs a 'from' or an 'until' bound"),
        // Unknown zone.
        ("window w from 2020-11-08 in Europe/Viena\n", "1:29: unknown time zone 'Europe/Viena'; did you mean 'Europe/Vienna'?"),
        // Local times a zone skips or repeats, unless written with an offset.
        (
            "window w from 2021-03-28T02:30 in Europe/Vienna\n",
            "1:15: local time 2021-03-28T02:30:00 does not exist in Europe/Vienna (clocks skip it); write it with an offset"
        ),
        (
            "window w until 2021-10-31T02:30:00 in Europe/Vienna\n",
            "1:16: local time 2021-10-31T02:30:00 happens twice in Europe/Vienna (clocks go back); write it with an offset"
        ),
        // Duplicates.
        ("window w from 2020-01-01 in UTC\nwindow w from 2021-01-01 in UTC\n", "2:8: window 'w' is already defined at test.policy:1:8"),
        ("permit p: open any lecture\npermit p: enrol in any package\n", "2:8: rule id 'p' is already used at test.policy:1:8"),
        // Rules that can never apply.
        (
            "permit p: open any lecture when user.account == \"active\" and user.account == \"closed\"\n",
            "1:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "permit p: open any lecture when user.account != \"active\" and user.account not in [\"suspended\", \"closed\"]\n",
            "1:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "window a from 2020-01-01 until 2020-01-31 in UTC\nwindow b from 2020-02-01 in UTC\npermit p: open any lecture when now in a and now in b\n",
            "3:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "window a from 2020-01-01 until 2020-01-31 in UTC\nwindow all from 2019-01-01 in UTC\npermit p: open any lecture when now in a and not now in all\n",
            "3:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "permit p: open any lecture when user enrolled in \"idor-2020\" and not user enrolled in \"idor-2020\"\n",
            "1:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "permit p: open any lecture when user.subscription == \"premium\" and user.subscription == \"basic\"\n",
            "1:8: rule 'p' can never apply: its condition is never true"
        ),
        (
            "forbid all: any\npermit p: open lecture in package \"idor-2020\"\n",
            "2:1: permit 'p' can never grant: forbid 'all' applies to every request it covers"
        ),
    ])
    func reportsEachError(text: String, expected: String) {
        #expect(Fixtures.errors(text) == [expected])
    }

    @Test func satisfiableConditionsAreAccepted() {
        #expect(Fixtures.errors("permit p: open any lecture when user.account == \"active\" or user.account == \"closed\"\n").isEmpty)
        #expect(
            Fixtures.errors(
                "window a from 2020-01-01 until 2020-01-31 in UTC\nwindow b from 2020-01-15 in UTC\npermit p: open any lecture when now in a and not now in b\n"
            ).isEmpty)
        #expect(Fixtures.errors("permit p: open any lecture when user.subscription != \"none\"\n").isEmpty)
    }

    @Test func reportsEveryErrorNotOnlyTheFirst() {
        let text = """
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            window free from 2020-11-08 in Europe/Vienna

            permit a: open lecture in package "idor-2021"
              when user.acount == "active" and now in fre
            permit a: enrol in package "idor-2020"
            """
        #expect(
            Fixtures.errors(text) == [
                "2:8: window 'free' is already defined at test.policy:1:8",
                "4:35: unknown package 'idor-2021'; did you mean 'idor-2020'?",
                "5:13: unknown attribute 'user.acount'; did you mean 'user.account'?",
                "5:43: undefined window 'fre'; did you mean 'free'?",
                "6:8: rule id 'a' is already used at test.policy:4:8",
            ])
    }

    @Test func offsetsMakeAmbiguousLocalTimesValid() throws {
        let policy = try Fixtures.compile(
            "window w from 2021-10-31T02:30:00+01:00 until 2021-10-31T03:00:00+01:00 in Europe/Vienna\npermit p: open any lecture when now in w\n"
        )
        #expect(policy.window(named: "w")?.span.start == Fixtures.instant("2021-10-31T01:30:00Z"))
    }

    @Test func duplicateRuleIdsAcrossFiles() {
        let sources = [
            PolicySource(path: "a.policy", text: "permit p: open any lecture\n"),
            PolicySource(path: "b.policy", text: "permit p: enrol in any package\n"),
        ]
        #expect(
            throws: PolicyDiagnostics([
                PolicyDiagnostic(
                    SourceLocation(file: "b.policy", line: 1, column: 8),
                    .duplicateRule("p", previous: SourceLocation(file: "a.policy", line: 1, column: 8)))
            ])
        ) {
            try PolicySet.compile(sources, catalog: Fixtures.catalog)
        }
    }
}
