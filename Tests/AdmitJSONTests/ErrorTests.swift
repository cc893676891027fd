import AdmitJSON
import Testing

@Suite("JSONError messages")
struct ErrorTests {
    @Test(
        "description is 'byte N: message'",
        arguments: [
            (#"{"id":1,"id":2}"#, #"byte 8: duplicate key "id""#),
            ("[1,]", "byte 2: trailing comma"),
            ("[1 x]", "byte 3: unexpected character 'x'"),
            ("\u{C}", "byte 0: unexpected byte 0x0c"),
            ("", "byte 0: empty input, expected a json value"),
            ("[", "byte 1: unexpected end of input"),
            ("01", "byte 1: invalid number"),
            (#""\x""#, "byte 1: invalid escape sequence in string"),
            (#""\ud800""#, "byte 1: unpaired utf-16 surrogate escape in string"),
            ("\"\u{1}\"", "byte 1: unescaped control character in string"),
            ("1 2", "byte 2: unexpected content after the json value"),
        ])
    func description(_ input: String, _ expected: String) {
        #expect(parseError(Array(input.utf8))?.description == expected)
    }

    @Test("byte-order mark has its own message")
    func byteOrderMark() throws {
        let error = try #require(parseError([0xEF, 0xBB, 0xBF, 0x7B, 0x7D]))
        #expect(error.kind == .byteOrderMark)
        #expect(error.description == "byte 0: utf-8 byte-order mark (ef bb bf) is not allowed at the start of json text")
    }

    @Test("invalid UTF-8 and depth messages")
    func otherMessages() {
        #expect(parseError([0x22, 0xFF, 0x22])?.description == "byte 1: invalid utf-8")
        #expect(parseError(Array("[[1]]".utf8), limits: JSONLimits(maxDepth: 1))?.description == "byte 1: nesting too deep")
        #expect(parseError(Array(#""ab""#.utf8), limits: JSONLimits(maxStringBytes: 1))?.description == "byte 0: string too long")
    }

    @Test("messages stay on one line and lowercase even for odd keys")
    func oneLine() throws {
        let error = try #require(parseError(Array(#"{"A\nB\"":1,"A\u000aB\"":2}"#.utf8)))
        #expect(error.kind == .duplicateKey("A\nB\""))
        #expect(error.description == #"byte 12: duplicate key "A\nB\"""#)
        #expect(!error.description.contains("\n"))
        let fixedPart = error.kind.message.replacing(#"A\nB\""#, with: "")
        #expect(fixedPart == fixedPart.lowercased())
    }

    @Test(
        "every kind's message is lowercase and one line",
        arguments: [
            JSONError.Kind.emptyInput, .byteOrderMark, .unexpectedEnd, .unexpectedCharacter(0x41), .unexpectedCharacter(0x0A),
            .invalidUTF8, .invalidEscape, .loneSurrogate, .controlCharacterInString, .invalidNumber, .trailingComma,
            .duplicateKey("k"), .tooDeep, .stringTooLong, .trailingContent,
        ])
    func kindMessages(_ kind: JSONError.Kind) {
        let message = JSONError(kind, at: 3).description
        #expect(message.hasPrefix("byte 3: "))
        #expect(!message.contains("\n"))
        // Only the echoed character may be uppercase.
        let withoutEcho = message.replacing("'A'", with: "")
        #expect(withoutEcho == withoutEcho.lowercased())
    }
}
