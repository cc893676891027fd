import AdmitCSV
import Testing

/// What one row of a reader case must look like.
struct ExpectedRow: Sendable {
    var line: Int
    var endLine: Int
    var fields: [String]
    var problem: CSVProblem?

    static func row(_ line: Int, _ fields: [String]) -> ExpectedRow {
        ExpectedRow(line: line, endLine: line, fields: fields, problem: nil)
    }

    static func row(_ line: Int, through endLine: Int, _ fields: [String]) -> ExpectedRow {
        ExpectedRow(line: line, endLine: endLine, fields: fields, problem: nil)
    }

    static func bad(
        _ line: Int, through endLine: Int? = nil, _ problem: CSVProblem, _ fields: [String]
    ) -> ExpectedRow {
        ExpectedRow(line: line, endLine: endLine ?? line, fields: fields, problem: problem)
    }

    static func blank(_ line: Int) -> ExpectedRow { .row(line, [""]) }
}

/// One input and the rows the reader must return for it, whatever the chunk sizes.
struct ReaderCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var expected: [ExpectedRow]
    var options = CSVOptions()

    init(_ name: String, _ input: String, _ expected: [ExpectedRow], options: CSVOptions = .init()) {
        self.name = name
        self.input = Array(input.utf8)
        self.expected = expected
        self.options = options
    }

    init(_ name: String, bytes: [UInt8], _ expected: [ExpectedRow], options: CSVOptions = .init()) {
        self.name = name
        self.input = bytes
        self.expected = expected
        self.options = options
    }

    var testDescription: String { name }
}

/// Reads every row of `input`, handing the reader at most `chunk` bytes per read.
func readAll(
    _ input: [UInt8], chunk: Int? = nil, options: CSVOptions = .init()
) throws -> [CSVRow] {
    var reader = CSVReader(
        source: MemoryByteSource(input, maximumChunkSize: chunk), options: options)
    var rows: [CSVRow] = []
    while let row = try reader.next() { rows.append(row) }
    #expect(try reader.next() == nil, "the reader stays at the end")
    return rows
}

/// Checks `rows` against `expected`: positions, problems, and fields.
func check(
    _ rows: [CSVRow], _ expected: [ExpectedRow], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(rows.count == expected.count, "row count", sourceLocation: sourceLocation)
    for (index, (row, want)) in zip(rows, expected).enumerated() {
        #expect(row.line == want.line, "row \(index) line", sourceLocation: sourceLocation)
        #expect(row.endLine == want.endLine, "row \(index) endLine", sourceLocation: sourceLocation)
        #expect(row.problem == want.problem, "row \(index) problem", sourceLocation: sourceLocation)
        #expect(row.fields == want.fields, "row \(index) fields", sourceLocation: sourceLocation)
    }
}

/// Checks that the raw records, joined by the line ends between them, are exactly `input`
/// (after a skipped byte order mark): nothing lost, nothing invented.
func checkRawRecordsCover(
    _ input: [UInt8], _ rows: [CSVRow], skipsByteOrderMark: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var offset = 0
    if skipsByteOrderMark && input.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    for (index, row) in rows.enumerated() {
        let raw = row.rawRecord
        guard input[offset...].starts(with: raw) else {
            Issue.record(
                "row \(index) raw record is not the next input bytes",
                sourceLocation: sourceLocation)
            return
        }
        offset += raw.count
        if input[offset...].starts(with: [13, 10]) {
            offset += 2
        } else if offset < input.count {
            #expect(
                input[offset] == 10 || input[offset] == 13, "row \(index) ends at a line end",
                sourceLocation: sourceLocation)
            offset += 1
        }
    }
    #expect(
        offset == input.count, "raw records cover the whole input", sourceLocation: sourceLocation)
}
