import AdmitDomain
import AdmitRules
import Testing

/// Syntax errors: located, all reported, with a caret under the column.
@Suite struct ParserTests {
    @Test(arguments: [
        ("permit p open any lecture\n", "1:10: expected ':' after the rule id, found 'open'"),
        ("permit p: watch any lecture\n", "1:11: expected 'any', 'open' or 'enrol', found 'watch'"),
        ("permit p: open lecture idor-2020-07\n", "1:24: expected a lecture id in quotes, or 'in package', found 'idor-2020-07'"),
        ("permit p: open any lecture when user.account = \"active\"\n", "1:46: unexpected character '='; did you mean '=='?"),
        ("permit p: open any lecture when user.account == \"active\n", "1:49: unterminated string: a closing '\"' is missing on this line"),
        ("permit p: open any lecture when (user.account == \"active\"\n", "2:1: expected ')', found end of file"),
        (
            "permit p: open any lecture when user.account == \"active\" and\n",
            "2:1: expected a condition ('user.ATTRIBUTE', 'user enrolled in', 'now in', 'not' or '('), found end of file"
        ),
        (
            "window free from 2020-11-8 until 2020-11-20 in Europe/Vienna\n",
            "1:18: '2020-11-8' is not a date or time: expected a two-digit day (e.g. 2020-11-20T23:59:59.999+01:00)"
        ),
        ("window free from 2020-11-08 until 2020-11-20\n", "2:1: expected 'in' and a time zone, found end of file"),
        ("window permit from 2020-11-08 in UTC\n", "1:8: 'permit' is a keyword and cannot be used as a name"),
        ("allow p: open any lecture\n", "1:1: expected 'window', 'permit' or 'forbid', found 'allow'"),
        (
            "permit p: open any lecture when user.account == \"active\" user.profession == \"other\"\n",
            "1:58: expected 'and', 'or', or the start of the next statement, found 'user'"
        ),
        ("permit p: open any lecture when user.account == \"a\\q\"\n", "1:51: invalid escape '\\q' in string (use \\\" \\\\ \\n or \\t)"),
        ("permit p: open any lecture when now in\n", "2:1: expected a window name, found end of file"),
        ("permit p: open any lecture @\n", "1:28: unexpected character '@'"),
    ])
    func locatesSyntaxErrors(text: String, expected: String) {
        #expect(Fixtures.errors(text).contains(expected), "\(Fixtures.errors(text))")
    }

    @Test func recoversAndReportsEveryStatementsError() {
        let text = """
            permit a open any lecture
            permit b: open any lecture when user.account == "active"
            forbid c: nothing
            window w from 2020-13-01 in UTC
            """
        #expect(
            Fixtures.errors(text) == [
                "1:10: expected ':' after the rule id, found 'open'",
                "3:11: expected 'any', 'open' or 'enrol', found 'nothing'",
                "4:15: '2020-13-01' has an out-of-range month",
            ])
    }

    @Test func rendersLikeACompiler() {
        let source = PolicySource(
            path: "Policies/x.policy", text: "window free from 2020-11-08 in UTC\n\npermit p: open any lecture\n  when now in fre\n")
        do {
            _ = try PolicySet.compile([source], catalog: Fixtures.catalog)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.rendered(sources: [source]) == """
                    Policies/x.policy:4:15: error: undefined window 'fre'; did you mean 'free'?
                      when now in fre
                                  ^
                    1 error
                    """)
        }
    }

    @Test func parsesTheFullLanguage() throws {
        let policy = try Fixtures.compile(
            """
            # comments and CRLF line ends are fine\r
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna\r
            window exact from 2020-11-08T09:00:00+01:00 until 2020-11-08T17:00 in Europe/Vienna
            window open-ended until 2021-01-01 in Etc/GMT+5
            permit a: open lecture "idor-2020-01" when now in exact
            permit b: open lecture in package "idor-2020" when (user enrolled in package "idor-2020" or user.subscription == "premium") and not now in open-ended
            permit c: enrol in package "idor-2020" when now in free and user.country in ["AT", "DE"]
            forbid d: any when user.account != "active"
            forbid e: enrol in any package when user.profession == "other" and user.country not in ["AT"]
            permit f: open any lecture when now in free
            """)
        #expect(policy.rules.map(\.id) == ["a", "b", "c", "d", "e", "f"])
        #expect(policy.windows.map(\.name) == ["free", "exact", "open-ended"])
        #expect(
            policy.window(named: "exact")?.span
                == Span(start: Fixtures.instant("2020-11-08T08:00:00Z"), end: Fixtures.instant("2020-11-08T16:00:00Z")))
        #expect(policy.window(named: "open-ended")?.span == Span(start: .min, end: Fixtures.instant("2021-01-02T00:00:00-05:00")))
        #expect(policy.rules[0].location == SourceLocation(file: "test.policy", line: 5, column: 1))
    }
}
