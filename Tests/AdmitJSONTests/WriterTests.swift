import AdmitJSON
import Testing

@Suite("JSONWriter")
struct WriterTests {
    @Test(
        "string escaping is minimal and exact",
        arguments: [
            ("plain", #""plain""#),
            ("\"", #""\"""#),
            ("\\", #""\\""#),
            ("/", #""/""#),
            ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
            ("\u{0}", #""\u0000""#),
            ("\u{1}", #""\u0001""#),
            ("\u{B}", #""\u000b""#),
            ("\u{1A}", #""\u001a""#),
            ("\u{1F}", #""\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("é😀𝄞", "\"é😀𝄞\""),
            ("\u{2028}", "\"\u{2028}\""),
            ("long plain text then \"quote\"", #""long plain text then \"quote\"""#),
        ])
    func escaping(_ input: String, _ expected: String) {
        var writer = JSONWriter()
        writer.write(input)
        #expect(writer.string == expected)
    }

    @Test("every control character uses its short form or \\u00xx", arguments: 0..<0x20)
    func controlEscapes(_ code: Int) {
        let short: [Int: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        let hex = String(code, radix: 16)
        let expected = short[code] ?? "\\u00" + (hex.count == 1 ? "0" + hex : hex)
        var writer = JSONWriter()
        writer.write(String(Unicode.Scalar(UInt8(code))))
        #expect(writer.string == "\"" + expected + "\"")
    }

    @Test("commas are inserted automatically")
    func structure() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("jsonrpc"); writer.write("2.0")
        writer.key("id"); writer.write(Int64(17))
        writer.key("result")
        writer.beginObject()
        writer.key("ok"); writer.write(true)
        writer.key("none"); writer.writeNull()
        writer.key("list")
        writer.beginArray()
        writer.write(1)
        writer.beginArray(); writer.endArray()
        writer.beginObject(); writer.endObject()
        writer.write(false)
        writer.write(2.5)
        writer.endArray()
        writer.endObject()
        writer.endObject()
        #expect(writer.string == #"{"jsonrpc":"2.0","id":17,"result":{"ok":true,"none":null,"list":[1,[],{},false,2.5]}}"#)
    }

    @Test(
        "integers and doubles",
        arguments: [
            (JSONValue.number(JSONNumber(Int64.min)), "-9223372036854775808"),
            (.number(JSONNumber(Int64.max)), "9223372036854775807"),
            (0, "0"),
            (-7, "-7"),
            (10, "10"),
            (1_000_000, "1000000"),
        ])
    func numbers(_ value: JSONValue, _ expected: String) {
        #expect(written(value) == expected)
    }

    @Test("Int and Double overloads")
    func numberOverloads() throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.write(Int.min)
        writer.write(0.1)
        writer.write(-0.0)
        writer.write(1e300)
        writer.write(100.0)
        writer.endArray()
        #expect(writer.string == "[-9223372036854775808,0.1,-0.0,1e+300,100.0]")
        let parsed = try JSONParser.parse(writer.string)
        #expect(parsed[1]?.doubleValue == 0.1)
        #expect(parsed[3]?.doubleValue == 1e300)
    }

    @Test("pretty printing uses 2-space indentation")
    func pretty() {
        let value: JSONValue = ["a": [1, 2], "b": ["c": nil], "e": [], "f": .object(JSONObject())]
        #expect(
            value.prettyPrinted() == """
                {
                  "a": [
                    1,
                    2
                  ],
                  "b": {
                    "c": null
                  },
                  "e": [],
                  "f": {}
                }
                """)
        #expect(JSONValue.string("x").prettyPrinted() == #""x""#)
        #expect(JSONValue.array([]).prettyPrinted() == "[]")
    }

    @Test("compact serialisation has no whitespace")
    func compact() {
        let value: JSONValue = ["a": [1, "two", nil, true], "b": ["c": 2.5]]
        #expect(value.serialized() == #"{"a":[1,"two",null,true],"b":{"c":2.5}}"#)
        #expect(value.description == value.serialized())
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test("reset and take make the writer reusable")
    func reuse() {
        var writer = JSONWriter(reservingCapacity: 4)
        writer.beginArray(); writer.write("first, and longer than the initial capacity"); writer.endArray()
        let first = writer.take()
        #expect(String(decoding: first, as: UTF8.self) == #"["first, and longer than the initial capacity"]"#)
        #expect(writer.count == 0)
        writer.write(1)
        #expect(writer.string == "1")
        writer.reset()
        #expect(writer.bytes.isEmpty)
        writer.beginObject(); writer.key("k"); writer.write(2); writer.endObject()
        #expect(writer.string == #"{"k":2}"#)
        #expect(writer.withUnsafeBytes { Array($0) } == Array(#"{"k":2}"#.utf8))
    }

    @Test("copies of a writer do not share output")
    func copyOnWrite() {
        var original = JSONWriter()
        original.beginArray()
        original.write(1)
        var copy = original
        copy.write(2)
        original.write(3)
        original.endArray()
        copy.endArray()
        #expect(original.string == "[1,3]")
        #expect(copy.string == "[1,2]")
    }

    @Test("top-level values separated after reset, not comma-joined")
    func topLevel() {
        var writer = JSONWriter()
        writer.write("a")
        #expect(writer.string == #""a""#)
        writer.reset()
        writer.writeNull()
        #expect(writer.string == "null")
    }

    @Test("output of every accepted document parses back equal", arguments: acceptedDocuments)
    func roundTrip(_ document: Accepted) throws {
        let value = try JSONParser.parse(document.bytes)
        for style in [JSONWriter.Style.compact, .pretty] {
            var writer = JSONWriter(style: style)
            writer.value(value)
            #expect(try JSONParser.parse(writer.bytes) == value)
        }
    }

    @Test("long strings grow the buffer correctly", arguments: [2047, 2048, 2049, 10_000])
    func longStrings(_ length: Int) throws {
        let string = String(repeating: "\u{1}", count: length)
        var writer = JSONWriter(reservingCapacity: 16)
        writer.beginArray()
        writer.write(string)
        writer.endArray()
        #expect(writer.count == 2 + 2 + 6 * length)
        #expect(try JSONParser.parse(writer.bytes) == [.string(string)])
    }
}
