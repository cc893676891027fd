import AdmitJSON
import Testing

/// Documents that RFC 8259 allows, and the values they must parse to.
let acceptedDocuments: [Accepted] = [
    Accepted("null", "null", .null),
    Accepted("true", "true", true),
    Accepted("false", "false", false),
    Accepted("zero", "0", .number(JSONNumber(uncheckedLiteral: "0"))),
    Accepted("negative zero", "-0", .number(JSONNumber(uncheckedLiteral: "-0"))),
    Accepted("integer", "17", 17),
    Accepted("negative integer", "-17", -17),
    Accepted("fraction", "1.5", .number(JSONNumber(uncheckedLiteral: "1.5"))),
    Accepted("exponent", "1e5", .number(JSONNumber(uncheckedLiteral: "1e5"))),
    Accepted("exponent with sign", "1E+5", .number(JSONNumber(uncheckedLiteral: "1E+5"))),
    Accepted("negative exponent", "-2.5e-3", .number(JSONNumber(uncheckedLiteral: "-2.5e-3"))),
    Accepted("exponent leading zeros", "1e007", .number(JSONNumber(uncheckedLiteral: "1e007"))),
    Accepted(
        "huge integer keeps text", "123456789012345678901234567890",
        .number(JSONNumber(uncheckedLiteral: "123456789012345678901234567890"))),
    Accepted("huge exponent keeps text", "[1e400]", [.number(JSONNumber(uncheckedLiteral: "1e400"))]),
    Accepted("tiny exponent keeps text", "-1e-400", .number(JSONNumber(uncheckedLiteral: "-1e-400"))),
    Accepted("empty string", #""""#, ""),
    Accepted("plain string", #""hello""#, "hello"),
    Accepted("escaped quote", #""\"""#, "\""),
    Accepted("escaped backslash", #""\\""#, "\\"),
    Accepted("escaped slash", #""\/""#, "/"),
    Accepted("short escapes", #""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
    Accepted("escaped NUL", #""\u0000""#, "\u{0}"),
    Accepted("escaped unit separator", #""\u001F""#, "\u{1F}"),
    Accepted("escaped latin", #""\u00e9\u00C9""#, "éÉ"),
    Accepted("escaped BMP", #""\u20AC""#, "€"),
    Accepted("surrogate pair emoji", #""\uD83D\uDE00""#, "😀"),
    Accepted("surrogate pair lowercase", #""\ud834\udd1e""#, "𝄞"),
    Accepted("highest scalar escaped", #""\uDBFF\uDFFF""#, "\u{10FFFF}"),
    Accepted("escaped BOM inside string", #""\uFEFF""#, "\u{FEFF}"),
    Accepted("raw UTF-8", "\"é€😀𝄞\"", "é€😀𝄞"),
    Accepted("raw noncharacter U+FFFF", bytes: [0x22, 0xEF, 0xBF, 0xBF, 0x22], "\u{FFFF}"),
    Accepted("raw U+10FFFF", bytes: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22], "\u{10FFFF}"),
    Accepted("raw DEL", "\"\u{7F}\"", "\u{7F}"),
    Accepted("raw BOM inside string", "\"\u{FEFF}\"", "\u{FEFF}"),
    Accepted(
        "long string with escape late", "\"" + String(repeating: "abcdefgh", count: 5) + "\\n\"",
        .string(String(repeating: "abcdefgh", count: 5) + "\n")),
    Accepted("empty array", "[]", []),
    Accepted("empty array with space", "[ \n ]", []),
    Accepted("empty object", "{}", .object(JSONObject())),
    Accepted("empty object with space", "{\t}", .object(JSONObject())),
    Accepted("surrounding whitespace", " \t\n\r[1 , 2]\r\n ", [1, 2]),
    Accepted("nested arrays", "[[],[[]],[1,[2,[3]]]]", [[], [[]], [1, [2, [3]]]]),
    Accepted("mixed array", #"[null,true,false,"x",0,{}]"#, [nil, true, false, "x", 0, .object(JSONObject())]),
    Accepted("object keeps order", #"{"z":1,"a":2,"m":3}"#, ["z": 1, "a": 2, "m": 3]),
    Accepted("same key in different objects", #"[{"a":1},{"a":2}]"#, [["a": 1], ["a": 2]]),
    Accepted("same key at different depths", #"{"a":{"a":{"a":1}}}"#, ["a": ["a": ["a": 1]]]),
    Accepted("empty key", #"{"":0}"#, ["": 0]),
    Accepted("keys differing by case", #"{"a":1,"A":2}"#, ["a": 1, "A": 2]),
    Accepted("escaped key", #"{"\u0061b":true}"#, ["ab": true]),
    Accepted("whitespace everywhere", "{ \"a\" :\n[ 1 ,\t2 ] , \"b\"\r: null }", ["a": [1, 2], "b": nil]),
    Accepted(
        "json-rpc request",
        #"{"jsonrpc":"2.0","id":17,"method":"check","params":{"user":"ada@example.org","lecture":"idor-2020-07","at":"2020-11-15T10:00:00+01:00"}}"#,
        [
            "jsonrpc": "2.0",
            "id": 17,
            "method": "check",
            "params": ["user": "ada@example.org", "lecture": "idor-2020-07", "at": "2020-11-15T10:00:00+01:00"],
        ]
    ),
]

@Suite("Parser accepts RFC 8259 documents")
struct ParserAcceptanceTests {
    @Test("accepted document", arguments: acceptedDocuments)
    func accepts(_ document: Accepted) throws {
        let value = try JSONParser.parse(document.bytes)
        #expect(value == document.expected)
    }

    @Test("accepted document survives compact and pretty round trips", arguments: acceptedDocuments)
    func roundTrips(_ document: Accepted) throws {
        let value = try JSONParser.parse(document.bytes)
        #expect(try JSONParser.parse(value.serialized()) == value)
        #expect(try JSONParser.parse(value.prettyPrinted()) == value)
    }

    @Test("all input overloads agree")
    func overloadsAgree() throws {
        let text = #"{"a":[1,"é",null]}"#
        let bytes = Array(text.utf8)
        let fromString = try JSONParser.parse(text)
        let fromArray = try JSONParser.parse(bytes)
        let fromSlice = try JSONParser.parse(([0x20, 0x20] + bytes + [0x20])[2...])
        let fromRaw = try bytes.withUnsafeBytes { raw throws(JSONError) in try JSONParser.parse(raw) }
        let fromTyped = try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in try JSONParser.parse(buffer) }
        #expect(fromString == ["a": [1, "é", nil]])
        #expect(fromArray == fromString)
        #expect(fromSlice == fromString)
        #expect(fromRaw == fromString)
        #expect(fromTyped == fromString)
    }

    @Test("slice error offsets count from the slice start")
    func sliceOffsets() {
        let bytes = Array(#"xx[1,]"#.utf8)
        #expect(throws: JSONError(.trailingComma, at: 2)) {
            try JSONParser.parse(bytes[2...])
        }
    }

    @Test("JSON Lines: each line parses on its own")
    func jsonLines() throws {
        let text = "{\"n\":1}\n{\"n\":2}\r\n\n[3]\n"
        let bytes = Array(text.utf8)
        var values: [JSONValue] = []
        for line in bytes.split(separator: 0x0A) where line.contains(where: { $0 > 0x20 }) {
            values.append(try JSONParser.parse(line))
        }
        #expect(values == [["n": 1], ["n": 2], [3]])
    }

    @Test("deeply nested value at the default limit parses iteratively")
    func defaultDepthLimit() throws {
        let depth = JSONLimits.default.maxDepth
        let text = String(repeating: "[", count: depth) + "0" + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 0
        while case .array(let elements) = value, let first = elements.first {
            value = first
            levels += 1
        }
        #expect(levels == 256)
        #expect(value == 0)
    }

    @Test("large object keeps every member and looks keys up")
    func largeObject() throws {
        let members = (0..<200).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONParser.parse("{" + members + "}")
        let object = try #require(value.objectValue)
        #expect(object.count == 200)
        #expect(object.keys.first == "k0")
        #expect(object.keys.last == "k199")
        for index in [0, 11, 12, 13, 100, 199] {
            #expect(object["k\(index)"]?.int64Value == Int64(index))
        }
        #expect(object["k200"] == nil)
    }
}

extension JSONNumber {
    /// Test helper: a number from literal text that must be valid.
    init(uncheckedLiteral text: String) {
        guard let number = JSONNumber(literal: text) else {
            preconditionFailure("test literal \(text) is not a JSON number")
        }
        self = number
    }
}
