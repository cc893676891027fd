import AdmitCSV
import Testing

@Suite("CSVWriter")
struct CSVWriterTests {
    static func written(_ records: [[String]], writer: CSVWriter = CSVWriter()) -> String {
        var writer = writer
        for record in records { writer.write(record) }
        return String(decoding: writer.takeBytes(), as: UTF8.self)
    }

    @Test(
        "a field is quoted only when it has to be",
        arguments: [
            (["plain", "text"], "plain,text\r\n"),
            (["a,b"], "\"a,b\"\r\n"),
            (["say \"hi\""], "\"say \"\"hi\"\"\"\r\n"),
            (["\""], "\"\"\"\"\r\n"),
            (["line\nbreak"], "\"line\nbreak\"\r\n"),
            (["cr\rhere"], "\"cr\rhere\"\r\n"),
            (["crlf\r\nhere"], "\"crlf\r\nhere\"\r\n"),
            ([" leading"], "\" leading\"\r\n"),
            (["trailing "], "\"trailing \"\r\n"),
            (["\ttab"], "\"\ttab\"\r\n"),
            (["in side"], "in side\r\n"),
            (["a;b"], "a;b\r\n"),
            (["Müller", "😀"], "Müller,😀\r\n"),
            (["", ""], ",\r\n"),
            ([""], "\"\"\r\n"),
            ([], "\r\n"),
            (["=1+2", "-5", "@x"], "=1+2,-5,@x\r\n"),
            (["\u{FEFF}bom", "x\u{FEFF}"], "\"\u{FEFF}bom\",x\u{FEFF}\r\n"),
        ] as [([String], String)])
    func quoting(fields: [String], expected: String) {
        #expect(Self.written([fields]) == expected)
    }

    @Test("line ends can be LF and the delimiter can change")
    func lineFeedAndDelimiter() {
        let writer = CSVWriter(delimiter: UInt8(ascii: ";"), lineEnding: .lineFeed)
        #expect(Self.written([["a;b", "c,d"], ["e"]], writer: writer) == "\"a;b\";c,d\ne\n")
    }

    @Test(
        "formulas are neutralised with a leading quote",
        arguments: [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1", "'+1"),
            ("-5", "'-5"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("=a,b", "\"'=a,b\""),
            ("a=b", "a=b"),
            (" =x", "\" =x\""),
            ("", ""),
            ("plain", "plain"),
        ])
    func neutraliseFormulas(field: String, expected: String) {
        let writer = CSVWriter(lineEnding: .lineFeed, neutraliseFormulas: true)
        #expect(Self.written([[field, "z"]], writer: writer) == expected + ",z\n")
    }

    @Test("a neutralised field reads back with its quote prefix")
    func neutralisedRoundTrip() throws {
        var writer = CSVWriter(neutraliseFormulas: true)
        writer.write(["=1+1", "\t-2", "ok"])
        let rows = try readAll(writer.takeBytes())
        #expect(rows.first?.fields == ["'=1+1", "'\t-2", "ok"])
    }

    @Test("a rejected row's raw bytes are written verbatim")
    func writeRaw() {
        var writer = CSVWriter(lineEnding: .lineFeed)
        writer.writeRaw(Array("a\"b,".utf8) + [0xFF])
        #expect(writer.bytes == Array("a\"b,".utf8) + [0xFF, 10])
    }

    @Test("taking the bytes empties the buffer")
    func takeBytes() {
        var writer = CSVWriter()
        writer.write(["a"])
        #expect(writer.takeBytes() == Array("a\r\n".utf8))
        #expect(writer.bytes.isEmpty)
        writer.write(["b"])
        #expect(writer.takeBytes() == Array("b\r\n".utf8))
    }
}
