import AdmitJSON
import Testing

/// Strings that are easy to get wrong when escaping and unescaping.
let trickyStrings: [String] = [
    "",
    "plain",
    "\"",
    "\\",
    "\\\"",
    "\"\\\"\\",
    "/",
    "</script>",
    "\u{0}",
    "a\u{0}b",
    String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
    "tab\there\nnewline\rreturn\u{8}backspace\u{C}formfeed",
    "\u{7F}",
    "é",
    "e\u{301}",
    "€",
    "😀",
    "👩‍👩‍👧‍👦",
    "🇨🇭",
    "𝄞",
    "\u{10000}",
    "\u{10FFFF}",
    "\u{FFFF}",
    "\u{FEFF}",
    "\u{2028}\u{2029}",
    "mixed \"quotes\", \\backslashes\\, \u{1}controls\u{1F} and 😀 emoji",
    String(repeating: "abcdefgh", count: 300),
    String(repeating: "ab\"cd\\ef\u{1}gh😀", count: 400),
    String(repeating: "x", count: 2047) + "\"",
    String(repeating: "\u{0}", count: 3000),
]

@Suite("String escaping round trips")
struct StringRoundTripTests {
    @Test("writer output parses back to the same string", arguments: trickyStrings)
    func roundTrip(_ string: String) throws {
        let text = written(.string(string))
        #expect(try JSONParser.parse(text) == .string(string))
        // As an object key too.
        let object = written(.object([string: .string(string)]))
        #expect(try JSONParser.parse(object)[string] == .string(string))
    }

    @Test("special byte at every position of short and word-sized strings", arguments: 0..<20)
    func specialAtEveryPosition(_ length: Int) throws {
        for position in 0..<max(length, 1) {
            for special in ["\"", "\\", "\u{1}", "\n", "é"] {
                var characters = Array(repeating: Character("a"), count: length)
                if length > 0 { characters[position] = Character(special) }
                let string = String(characters)
                #expect(try JSONParser.parse(written(.string(string))) == .string(string))
            }
        }
    }

    @Test(
        "astral-plane characters from surrogate-pair escapes",
        arguments: [
            (#""\uD83D\uDE00""#, "😀"),
            (#""\uD834\uDD1E""#, "𝄞"),
            (#""\uD800\uDC00""#, "\u{10000}"),
            (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
            (#""a\uD83D\uDE00b\uD83D\uDE01c""#, "a😀b😁c"),
            (#""\uD83D\uDC69\u200D\uD83D\uDC69""#, "👩\u{200D}👩"),
        ])
    func surrogatePairs(_ json: String, _ expected: String) throws {
        let value = try JSONParser.parse(json)
        #expect(value == .string(expected))
        // Written back as raw UTF-8, not as escapes.
        let output = value.serialized()
        #expect(output == "\"" + expected + "\"")
        #expect(!output.contains("\\u"))
        #expect(try JSONParser.parse(output) == value)
    }

    @Test(
        "every escaped BMP scalar parses to itself",
        arguments: [0x0000, 0x001F, 0x0020, 0x007F, 0x0080, 0x07FF, 0x0800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF])
    func bmpEscapes(_ code: Int) throws {
        let hex = String(code, radix: 16, uppercase: code % 2 == 0)
        let json = "\"\\u" + String(repeating: "0", count: 4 - hex.count) + hex + "\""
        let scalar = try #require(Unicode.Scalar(UInt32(code)))
        #expect(try JSONParser.parse(json) == .string(String(scalar)))
    }
}
