import AdmitJSON
import Testing

/// Structural errors: empty input, trailing commas, missing or extra tokens, comments, quotes.
let structureRejections: [Rejected] = [
    Rejected("empty input", "", .emptyInput, at: 0),
    Rejected("only spaces", "   ", .emptyInput, at: 3),
    Rejected("only mixed whitespace", "\n\t\r ", .emptyInput, at: 4),
    Rejected("trailing comma in array", "[1,]", .trailingComma, at: 2),
    Rejected("trailing comma in array with space", "[1, ]", .trailingComma, at: 2),
    Rejected("trailing comma in object", #"{"a":1,}"#, .trailingComma, at: 6),
    Rejected("trailing comma in object with spaces", #"{"a":1 , }"#, .trailingComma, at: 7),
    Rejected("trailing comma in nested array", "[[1,],2]", .trailingComma, at: 3),
    Rejected("leading comma", "[,1]", .unexpectedCharacter(ascii(",")), at: 1),
    Rejected("double comma", "[1,,2]", .unexpectedCharacter(ascii(",")), at: 3),
    Rejected("only comma", "[,]", .unexpectedCharacter(ascii(",")), at: 1),
    Rejected("missing comma", "[1 2]", .unexpectedCharacter(ascii("2")), at: 3),
    Rejected("missing colon", #"{"a" 1}"#, .unexpectedCharacter(ascii("1")), at: 5),
    Rejected("missing value", #"{"a":}"#, .unexpectedCharacter(ascii("}")), at: 5),
    Rejected("comma instead of colon", #"{"a",1}"#, .unexpectedCharacter(ascii(",")), at: 4),
    Rejected("unquoted key", "{a:1}", .unexpectedCharacter(ascii("a")), at: 1),
    Rejected("numeric key", "{1:1}", .unexpectedCharacter(ascii("1")), at: 1),
    Rejected("single-quoted key", "{'a':1}", .unexpectedCharacter(ascii("'")), at: 1),
    Rejected("single-quoted string", "['a']", .unexpectedCharacter(ascii("'")), at: 1),
    Rejected("block comment", #"{"a":1 /*c*/}"#, .unexpectedCharacter(ascii("/")), at: 7),
    Rejected("line comment first", "// c\n1", .unexpectedCharacter(ascii("/")), at: 0),
    Rejected("comment after value", "[1] // c", .trailingContent, at: 4),
    Rejected("extra close", "[1]]", .trailingContent, at: 3),
    Rejected("two values", "1 2", .trailingContent, at: 2),
    Rejected("two objects", "{}{}", .trailingContent, at: 2),
    Rejected("NUL after value", "[1]\u{0}", .trailingContent, at: 3),
    Rejected("close without open", "]", .unexpectedCharacter(ascii("]")), at: 0),
    Rejected("mismatched close", "[1}", .unexpectedCharacter(ascii("}")), at: 2),
    Rejected("mismatched close in object", #"{"a":1]"#, .unexpectedCharacter(ascii("]")), at: 6),
    Rejected("unclosed array", "[", .unexpectedEnd, at: 1),
    Rejected("unclosed array after comma", "[1,", .unexpectedEnd, at: 3),
    Rejected("unclosed object", #"{"a":1"#, .unexpectedEnd, at: 6),
    Rejected("object ends after key", #"{"a""#, .unexpectedEnd, at: 4),
    Rejected("object ends after colon", #"{"a": "#, .unexpectedEnd, at: 6),
    Rejected("unterminated string", #"["abc"#, .unexpectedEnd, at: 5),
    Rejected("truncated true", "tru", .unexpectedEnd, at: 3),
    Rejected("truncated null in array", "[nul", .unexpectedEnd, at: 4),
    Rejected("capitalised True", "True", .unexpectedCharacter(ascii("T")), at: 0),
    Rejected("wrong letter in null", "nulL", .unexpectedCharacter(ascii("L")), at: 3),
    Rejected("undefined", "undefined", .unexpectedCharacter(ascii("u")), at: 0),
    Rejected("form feed is not whitespace", "\u{C}1", .unexpectedCharacter(0x0C), at: 0),
    Rejected("vertical tab is not whitespace", "[\u{B}1]", .unexpectedCharacter(0x0B), at: 1),
    Rejected("NUL outside string", "\u{0}", .unexpectedCharacter(0x00), at: 0),
    Rejected("non-breaking space is not whitespace", "\u{A0}1", .unexpectedCharacter(0xC2), at: 0),
    Rejected("letter outside string", "é", .unexpectedCharacter(0xC3), at: 0),
]

/// Number grammar errors, including NaN and Infinity.
let numberRejections: [Rejected] = [
    Rejected("leading zero", "01", .invalidNumber, at: 1),
    Rejected("double zero", "00", .invalidNumber, at: 1),
    Rejected("negative leading zero", "-01", .invalidNumber, at: 2),
    Rejected("leading zero in array", "[007]", .invalidNumber, at: 2),
    Rejected("plus sign", "+1", .invalidNumber, at: 0),
    Rejected("plus sign in array", "[+1]", .invalidNumber, at: 1),
    Rejected("leading dot", ".5", .invalidNumber, at: 0),
    Rejected("negative leading dot", "-.5", .invalidNumber, at: 1),
    Rejected("trailing dot", "1.", .invalidNumber, at: 2),
    Rejected("trailing dot in array", "[1.]", .invalidNumber, at: 3),
    Rejected("dot before exponent", "1.e5", .invalidNumber, at: 2),
    Rejected("bare exponent", "1e", .invalidNumber, at: 2),
    Rejected("exponent sign only", "1e+", .invalidNumber, at: 3),
    Rejected("capital exponent sign only", "1E-", .invalidNumber, at: 3),
    Rejected("exponent letter", "[1e5e5]", .unexpectedCharacter(ascii("e")), at: 4),
    Rejected("lone minus", "-", .invalidNumber, at: 1),
    Rejected("minus letter", "-a", .invalidNumber, at: 1),
    Rejected("minus space", "- 1", .invalidNumber, at: 1),
    Rejected("NaN", "NaN", .unexpectedCharacter(ascii("N")), at: 0),
    Rejected("NaN in array", "[NaN]", .unexpectedCharacter(ascii("N")), at: 1),
    Rejected("Infinity", "Infinity", .unexpectedCharacter(ascii("I")), at: 0),
    Rejected("negative Infinity", "-Infinity", .invalidNumber, at: 1),
    Rejected("hex", "0x10", .trailingContent, at: 1),
    Rejected("hex in array", "[0x10]", .unexpectedCharacter(ascii("x")), at: 2),
    Rejected("two dots", "1.5.2", .trailingContent, at: 3),
    Rejected("digit group separator", "[1_000]", .unexpectedCharacter(ascii("_")), at: 2),
    Rejected("arabic-indic digit", "٣", .unexpectedCharacter(0xD9), at: 0),
]

/// String errors: control characters, escapes, surrogate escapes.
let stringRejections: [Rejected] = [
    Rejected("raw control character", "\"a\u{1}b\"", .controlCharacterInString, at: 2),
    Rejected("raw NUL", "\"\u{0}\"", .controlCharacterInString, at: 1),
    Rejected("raw tab", "\"\t\"", .controlCharacterInString, at: 1),
    Rejected("raw line feed", "[\"a\nb\"]", .controlCharacterInString, at: 3),
    Rejected("raw carriage return", "\"\r\"", .controlCharacterInString, at: 1),
    Rejected("raw unit separator", "\"\u{1F}\"", .controlCharacterInString, at: 1),
    Rejected("raw control after 8 plain bytes", "\"abcdefghij\u{2}\"", .controlCharacterInString, at: 11),
    Rejected("raw control in key", "{\"a\u{1}\":1}", .controlCharacterInString, at: 3),
    Rejected("escape x", #""\x41""#, .invalidEscape, at: 1),
    Rejected("escape a", #""\a""#, .invalidEscape, at: 1),
    Rejected("escaped single quote", #""\'""#, .invalidEscape, at: 1),
    Rejected("escaped zero", #""\0""#, .invalidEscape, at: 1),
    Rejected("capital U escape", #""\U0041""#, .invalidEscape, at: 1),
    Rejected("short unicode escape", #""\u12""#, .invalidEscape, at: 1),
    Rejected("non-hex unicode escape", #""\u12G4""#, .invalidEscape, at: 1),
    Rejected("escaped raw tab", "\"\\\t\"", .invalidEscape, at: 1),
    Rejected("escaped non-ASCII", "\"\\é\"", .invalidEscape, at: 1),
    Rejected("escape after plain text", #""abcdefghij\q""#, .invalidEscape, at: 11),
    Rejected("escaped closing quote leaves string open", #""\""#, .unexpectedEnd, at: 3),
    Rejected("backslash at end of input", #""abc\"#, .unexpectedEnd, at: 5),
    Rejected("lone high surrogate", #""\ud800""#, .loneSurrogate, at: 1),
    Rejected("lone low surrogate", #""\udc00""#, .loneSurrogate, at: 1),
    Rejected("lone low surrogate uppercase", #""\uDFFF""#, .loneSurrogate, at: 1),
    Rejected("two high surrogates", #""\ud800\ud800""#, .loneSurrogate, at: 1),
    Rejected("high surrogate then BMP escape", #""\ud800\u0041""#, .loneSurrogate, at: 1),
    Rejected("high surrogate then text", #""x\ud800abc""#, .loneSurrogate, at: 2),
    Rejected("high surrogate then other escape", #""\ud800\n""#, .loneSurrogate, at: 1),
    Rejected("inverted surrogate pair", #""\udd1e\ud834""#, .loneSurrogate, at: 1),
    Rejected("high surrogate at end of string", #""ab\uD834""#, .loneSurrogate, at: 3),
    Rejected("high surrogate then short escape", #""\ud800\u12""#, .invalidEscape, at: 7),
    Rejected("lone surrogate in key", #"{"\udfff":1}"#, .loneSurrogate, at: 2),
]

/// Ill-formed UTF-8, in and outside strings, and byte-order marks.
let encodingRejections: [Rejected] = [
    Rejected("bad continuation", bytes: [0x22, 0xC3, 0x28, 0x22], .invalidUTF8, at: 1),
    Rejected("lone continuation byte", bytes: [0x22, 0x80, 0x22], .invalidUTF8, at: 1),
    Rejected("overlong 2-byte slash", bytes: [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, at: 1),
    Rejected("overlong 2-byte C1", bytes: [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8, at: 1),
    Rejected("overlong 3-byte", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, at: 1),
    Rejected("overlong 4-byte", bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], .invalidUTF8, at: 1),
    Rejected("encoded high surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, at: 1),
    Rejected("encoded low surrogate", bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], .invalidUTF8, at: 1),
    Rejected("above U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
    Rejected("lead byte F5", bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
    Rejected("byte FF", bytes: [0x22, 0xFF, 0x22], .invalidUTF8, at: 1),
    Rejected("byte FE", bytes: [0x22, 0x61, 0xFE, 0x22], .invalidUTF8, at: 2),
    Rejected("truncated 3-byte before quote", bytes: [0x22, 0xE2, 0x82, 0x22], .invalidUTF8, at: 1),
    Rejected("truncated 4-byte before quote", bytes: [0x22, 0xF0, 0x9F, 0x98, 0x22], .invalidUTF8, at: 1),
    Rejected("invalid after valid text", bytes: Array("\"aé".utf8) + [0xFF, 0x22], .invalidUTF8, at: 4),
    Rejected("invalid after 8 ASCII bytes", bytes: Array("\"abcdefgh".utf8) + [0xC3, 0x22], .invalidUTF8, at: 9),
    Rejected("lead byte before escape", bytes: [0x22, 0xC3, 0x5C, 0x6E, 0x22], .invalidUTF8, at: 1),
    Rejected("invalid in key", bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8, at: 2),
    Rejected("invalid byte outside string", bytes: [0xFF], .invalidUTF8, at: 0),
    Rejected("truncated sequence outside string", bytes: [0x5B, 0xC3], .invalidUTF8, at: 1),
    Rejected("latin-1 text", bytes: [0x22, 0xE9, 0x22], .invalidUTF8, at: 1),
    Rejected("UTF-16LE text", bytes: [0x5B, 0x00, 0x5D, 0x00], .unexpectedCharacter(0x00), at: 1),
    Rejected("byte-order mark before object", bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], .byteOrderMark, at: 0),
    Rejected("byte-order mark alone", bytes: [0xEF, 0xBB, 0xBF], .byteOrderMark, at: 0),
    Rejected("byte-order mark before whitespace", bytes: [0xEF, 0xBB, 0xBF, 0x20, 0x31], .byteOrderMark, at: 0),
    Rejected("byte-order mark after whitespace", bytes: [0x20, 0xEF, 0xBB, 0xBF, 0x31], .unexpectedCharacter(0xEF), at: 1),
    Rejected("truncated byte-order mark", bytes: [0xEF, 0xBB], .invalidUTF8, at: 0),
    Rejected("UTF-16 byte-order mark", bytes: [0xFF, 0xFE, 0x5B, 0x00, 0x5D, 0x00], .invalidUTF8, at: 0),
]

/// Duplicate keys (compared after unescaping), depth and length limits.
let semanticRejections: [Rejected] = [
    Rejected("duplicate key", #"{"a":1,"a":2}"#, .duplicateKey("a"), at: 7),
    Rejected("duplicate key and value", #"{"a":"b","a":"b"}"#, .duplicateKey("a"), at: 9),
    Rejected("duplicate key after nested object", #"{"a":1,"b":{"a":2},"a":3}"#, .duplicateKey("a"), at: 19),
    Rejected("duplicate key inside nested object", #"[{"x":{"k":1,"k":2}}]"#, .duplicateKey("k"), at: 13),
    Rejected("duplicate via escape", #"{"a":1,"\u0061":2}"#, .duplicateKey("a"), at: 7),
    Rejected("duplicate via short escape", #"{"\n":1,"\u000a":2}"#, .duplicateKey("\n"), at: 8),
    Rejected("duplicate via surrogate pair", #"{"😀":1,"\uD83D\uDE00":2}"#, .duplicateKey("😀"), at: 10),
    Rejected("duplicate empty key", #"{"":1,"":2}"#, .duplicateKey(""), at: 6),
    Rejected("canonically equivalent keys", #"{"é":1,"e\u0301":2}"#, .duplicateKey("e\u{301}"), at: 8),
    Rejected(
        "nesting one past the limit", String(repeating: "[", count: 257) + String(repeating: "]", count: 257),
        .tooDeep, at: 256),
    Rejected(
        "object nesting past the limit", String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257),
        .tooDeep, at: 1280),
    Rejected("100000 open brackets", String(repeating: "[", count: 100_000), .tooDeep, at: 256),
    Rejected("custom depth 2", "[[[1]]]", .tooDeep, at: 2, limits: JSONLimits(maxDepth: 2)),
    Rejected("depth 0 forbids containers", "[]", .tooDeep, at: 0, limits: JSONLimits(maxDepth: 0)),
    Rejected("string over the length limit", #""abcd""#, .stringTooLong, at: 0, limits: JSONLimits(maxStringBytes: 3)),
    Rejected("key over the length limit", #"{"abcd":1}"#, .stringTooLong, at: 1, limits: JSONLimits(maxStringBytes: 3)),
    Rejected("unescaped string over the limit", #""\u00e9\u00e9""#, .stringTooLong, at: 0, limits: JSONLimits(maxStringBytes: 3)),
]

@Suite("Parser rejects what RFC 8259 does not allow")
struct ParserRejectionTests {
    @Test("structure", arguments: structureRejections)
    func structure(_ case: Rejected) {
        check(`case`)
    }

    @Test("numbers", arguments: numberRejections)
    func numbers(_ case: Rejected) {
        check(`case`)
    }

    @Test("strings and escapes", arguments: stringRejections)
    func strings(_ case: Rejected) {
        check(`case`)
    }

    @Test("UTF-8 and byte-order marks", arguments: encodingRejections)
    func encoding(_ case: Rejected) {
        check(`case`)
    }

    @Test("duplicate keys and limits", arguments: semanticRejections)
    func semantic(_ case: Rejected) {
        check(`case`)
    }

    /// Expects exactly the case's error kind and offset.
    private func check(_ rejected: Rejected) {
        let error = parseError(rejected.bytes, limits: rejected.limits)
        #expect(error == JSONError(rejected.kind, at: rejected.offset), "\(rejected.name)")
    }

    @Test("a String starting with U+FEFF is rejected as a byte-order mark")
    func byteOrderMarkInString() {
        #expect(throws: JSONError(.byteOrderMark, at: 0)) {
            try JSONParser.parse("\u{FEFF}{}")
        }
    }

    @Test("every control character is rejected raw and accepted escaped", arguments: 0..<0x20)
    func controlCharacters(_ code: Int) throws {
        let byte = UInt8(code)
        #expect(parseError([0x22, 0x61, byte, 0x22]) == JSONError(.controlCharacterInString, at: 2))
        let hex = String(code, radix: 16)
        let escaped = "\"\\u" + String(repeating: "0", count: 4 - hex.count) + hex + "\""
        #expect(try JSONParser.parse(escaped) == .string(String(Unicode.Scalar(byte))))
    }

    @Test("duplicate keys are found in large (hash-indexed) objects")
    func duplicateInLargeObject() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let text = "{" + members + ",\"k3\":0}"
        let offset = text.utf8.count - #""k3":0}"#.utf8.count
        #expect(parseError(Array(text.utf8)) == JSONError(.duplicateKey("k3"), at: offset))
        // The first key that crosses into the index must still be checked against the earlier ones.
        let atThreshold = "{" + (0..<11).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k0\":1}"
        #expect(parseError(Array(atThreshold.utf8))?.kind == .duplicateKey("k0"))
    }

    @Test("exactly the depth limit is accepted, one more is not", arguments: [1, 2, 17, 256])
    func depthBoundary(_ limit: Int) throws {
        let limits = JSONLimits(maxDepth: limit)
        let inside = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONParser.parse(inside, limits: limits) }
        let tooDeep = "[" + inside + "]"
        #expect(parseError(Array(tooDeep.utf8), limits: limits) == JSONError(.tooDeep, at: limit))
    }

    @Test("string length limit counts unescaped UTF-8 bytes")
    func stringLimit() throws {
        let limits = JSONLimits(maxStringBytes: 3)
        #expect(try JSONParser.parse(#""abc""#, limits: limits) == "abc")
        #expect(try JSONParser.parse(#""\u0041\u0042\u0043""#, limits: limits) == "ABC")
        #expect(try JSONParser.parse(#""é""#, limits: limits) == "é")
        #expect(parseError(Array(#""€€""#.utf8), limits: limits)?.kind == .stringTooLong)
    }
}
