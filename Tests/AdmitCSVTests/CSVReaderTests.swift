import AdmitCSV
import Testing

@Suite("CSVReader")
struct CSVReaderTests {
    /// `nil` is the whole input in one read; the others split it everywhere.
    static let chunkSizes: [Int?] = [nil, 1, 2, 3, 7]

    @Test(
        "each case gives the expected rows, whatever the chunk size", arguments: readerCases,
        chunkSizes)
    func expectedRows(_ testCase: ReaderCase, chunk: Int?) throws {
        let rows = try readAll(testCase.input, chunk: chunk, options: testCase.options)
        check(rows, testCase.expected)
        if testCase.options.maximumFieldBytes == CSVOptions().maximumFieldBytes {
            checkRawRecordsCover(
                testCase.input, rows, skipsByteOrderMark: testCase.options.skipsByteOrderMark)
        }
    }

    @Test("chunked reads give rows identical to one read", arguments: readerCases, [1, 2, 3, 7])
    func chunkedEqualsWhole(_ testCase: ReaderCase, chunk: Int) throws {
        let whole = try readAll(testCase.input, options: testCase.options)
        let chunked = try readAll(testCase.input, chunk: chunk, options: testCase.options)
        #expect(chunked == whole)
    }

    @Test(
        "a small read buffer gives rows identical to the default", arguments: readerCases,
        [4, 5, 9])
    func smallReadBuffer(_ testCase: ReaderCase, bufferSize: Int) throws {
        var options = testCase.options
        options.readBufferSize = bufferSize
        let small = try readAll(testCase.input, options: options)
        #expect(small == (try readAll(testCase.input, options: testCase.options)))
    }

    @Test("blank rows are flagged, other rows are not")
    func blankFlag() throws {
        let rows = try readAll(Array("a\n\n\"\"\n \n\r\n".utf8))
        #expect(rows.map(\.isBlank) == [false, true, false, false, true])
    }

    @Test("raw records keep quotes and inner line breaks exactly")
    func rawRecordBytes() throws {
        let input = "\"a \"\"q\"\"\",\"x\r\ny\"\r\nplain\n"
        let rows = try readAll(Array(input.utf8), chunk: 2)
        #expect(
            rows.map { String(decoding: $0.rawRecord, as: UTF8.self) } == [
                "\"a \"\"q\"\"\",\"x\r\ny\"", "plain",
            ])
    }

    @Test("a rejected row's raw bytes are kept even when not UTF-8")
    func rawRecordOfInvalidRow() throws {
        let input: [UInt8] = Array("ok\nx,".utf8) + [0xFF] + Array("\nnext\n".utf8)
        let rows = try readAll(input, chunk: 3)
        let bad = try #require(rows.count == 3 ? rows[1] : nil)
        #expect(bad.problem == .invalidUTF8(field: 2))
        #expect(bad.rawRecord == Array("x,".utf8) + [0xFF])
    }

    @Test("a 10 MB field passes with the default limit", arguments: chunkSizes)
    func tenMegabyteField(chunk: Int?) throws {
        // 10 MB of text with commas, doubled quotes and CRLFs inside one quoted field.
        let unit = Array("lorem, ipsum \"\"dolor\"\" sit amet\r\n".utf8)
        let repeats = 10_000_000 / unit.count + 1
        var input = Array("id,notes\n1,\"".utf8)
        input.reserveCapacity(unit.count * repeats + 64)
        for _ in 0..<repeats { input.append(contentsOf: unit) }
        input.append(contentsOf: Array("\"\n2,short\n".utf8))

        let rows = try readAll(input, chunk: chunk)
        try #require(rows.count == 3)
        let big = rows[1]
        #expect(big.problem == nil)
        #expect(big.line == 2)
        #expect(big.endLine == 2 + repeats)
        let expectedValue = String(repeating: "lorem, ipsum \"dolor\" sit amet\r\n", count: repeats)
        #expect(big.fields.count == 2)
        #expect(big.fields.last?.utf8.count == expectedValue.utf8.count)
        #expect(big.fields.last == expectedValue)
        #expect(big.fields.last?.utf8.count ?? 0 > 9_000_000)
        #expect(
            rows[2]
                == CSVRow(
                    line: 3 + repeats, endLine: 3 + repeats, fields: ["2", "short"],
                    rawRecord: Array("2,short".utf8)))
    }

    @Test("an oversized field keeps memory bounded and reading goes on")
    func oversizedField() throws {
        var input = Array("a,\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        input += Array("\"\nnext\n".utf8)
        let rows = try readAll(input, chunk: 4096, options: CSVOptions(maximumFieldBytes: 1000))
        try #require(rows.count == 2)
        #expect(rows[0].problem == .fieldTooLarge(field: 2, limit: 1000))
        #expect(rows[0].rawRecord == Array("a,".utf8))
        #expect(rows[0].fields == ["a"])
        #expect(rows[1].fields == ["next"])
        #expect(rows[1].line == 2)
    }

    @Test("the size limit counts decoded bytes", arguments: [(2, false), (3, true), (4, true)])
    func sizeLimitBoundary(limit: Int, passes: Bool) throws {
        // "a""b" decodes to a"b: 3 bytes, though 4 bytes sit between the quotes.
        let rows = try readAll(
            Array("\"a\"\"b\"\n".utf8), options: CSVOptions(maximumFieldBytes: limit))
        let row = try #require(rows.first)
        #expect(row.problem == (passes ? nil : .fieldTooLarge(field: 1, limit: limit)))
        #expect(row.fields == (passes ? ["a\"b"] : []))
    }

    @Test("a failing source surfaces as CSVReadError")
    func sourceFailure() throws {
        struct Broken: Error, CustomStringConvertible {
            var description: String { "disk on fire" }
        }
        struct FailingSource: ByteSource {
            var reads = 0
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                reads += 1
                if reads > 1 { throw Broken() }
                let chunk = Array("a\nb\n".utf8)
                buffer.copyBytes(from: chunk)
                return chunk.count
            }
        }
        var reader = CSVReader(source: FailingSource())
        #expect(try reader.next()?.fields == ["a"])
        #expect(try reader.next()?.fields == ["b"])
        let error = #expect(throws: CSVReadError.self) { try reader.next() }
        #expect(error?.reason == "disk on fire")
        #expect(error?.operation == .read)
        #expect(error?.errorNumber == nil)
    }

    @Test("a source that claims too many bytes is an error, not a crash")
    func lyingSource() throws {
        struct LyingSource: ByteSource {
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                buffer.count + 1
            }
        }
        var reader = CSVReader(source: LyingSource())
        #expect(throws: CSVReadError.self) { try reader.next() }
    }
}
