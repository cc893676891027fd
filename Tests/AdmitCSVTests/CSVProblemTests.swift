import AdmitCSV
import Testing

@Suite("CSVProblem")
struct CSVProblemTests {
    @Test(
        "each problem has a stable code and message",
        arguments: [
            (
                CSVProblem.unclosedQuote(openedAtLine: 7), "unclosed-quote",
                "quoted field opened on line 7 is not closed at end of input"
            ),
            (.invalidUTF8(field: 3), "invalid-encoding", "field 3 is not valid utf-8"),
            (.nulByte(field: 2), "nul-byte", "field 2 contains a nul byte"),
            (
                .textAfterClosingQuote(field: 1), "text-after-quote",
                "field 1 has text after its closing quote"
            ),
            (
                .quoteInUnquotedField(field: 4), "bare-quote",
                "field 4 contains a quote but does not start with one"
            ),
            (
                .fieldTooLarge(field: 5, limit: 64), "field-too-large",
                "field 5 is larger than 64 bytes"
            ),
        ])
    func codeAndMessage(problem: CSVProblem, code: String, message: String) {
        #expect(problem.code == code)
        #expect(problem.message == message)
        #expect(problem.message == problem.message.lowercased())
    }

    @Test("a diagnostic is compiler-style")
    func diagnostic() {
        #expect(
            CSVProblem.invalidUTF8(field: 3).diagnostic(path: "users.csv", line: 12)
                == "users.csv:12: error: field 3 is not valid utf-8 [invalid-encoding]")
    }
}
