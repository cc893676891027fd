import AdmitCSV

/// Registration rows from RFC 4180 CSV with a header row, read as a stream.
///
/// Blank lines are skipped. A record the CSV reader finds malformed (unclosed quote, invalid
/// UTF-8, NUL byte, stray quote, field over 1 MiB) or with another number of fields than the
/// header comes back as a malformed input, with its raw bytes for the rejects file.
struct CSVRegistrationSource<Bytes: ByteSource>: RegistrationSource {
    /// The largest field accepted; a larger one rejects its row and is not kept in memory.
    static var maximumFieldBytes: Int { 1 << 20 }

    let path: String
    let header: RegistrationHeader
    private var reader: CSVReader<Bytes>

    /// Reads and checks the header row; throws `invalidInput` for an empty input or a bad header.
    init(bytes: Bytes, path: String) throws(AdmitError) {
        self.path = path
        var reader = CSVReader(source: bytes, options: CSVOptions(maximumFieldBytes: Self.maximumFieldBytes))
        var first: CSVRow?
        repeat {
            first = try Self.read(&reader, path: path)
        } while first?.isBlank == true
        guard let first else {
            let columns = RegistrationColumn.allCases.map(\.rawValue).joined(separator: ",")
            throw .invalidInput(.emptyInput(path: path, header: columns))
        }
        if let problem = first.problem {
            throw .invalidInput(.malformedHeader(path: path, line: first.line, message: problem.message, code: "\(problem.code)"))
        }
        header = try RegistrationHeader(cells: first.fields, path: path, line: first.line)
        self.reader = reader
    }

    mutating func next() throws(AdmitError) -> RegistrationInput? {
        while let record = try Self.read(&reader, path: path) {
            if record.isBlank { continue }
            if let problem = record.problem {
                let reject = RegistrationReject(
                    line: record.line, column: field(of: problem).flatMap(header.name(ofField:)),
                    rejectClass: RejectClass(rawValue: problem.code) ?? .invalidEncoding, message: problem.message)
                return RegistrationInput(content: .malformed(reject), original: .bytes(record.rawRecord))
            }
            let fields = record.fields
            let columns = header.columns
            guard fields.count == columns.count else {
                let reject = RegistrationReject(
                    line: record.line, column: nil, rejectClass: .raggedRow,
                    message: "the row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header \(columns.count)")
                return RegistrationInput(content: .malformed(reject), original: .bytes(record.rawRecord))
            }
            var row = RegistrationRow(line: record.line)
            for index in 0..<fields.count {
                if let column = columns[index] { row[column] = fields[index] }
            }
            return RegistrationInput(content: .row(row), original: .fields(fields))
        }
        return nil
    }

    private func field(of problem: CSVProblem) -> Int? {
        switch problem {
        case .unclosedQuote: nil
        case .invalidUTF8(let field), .nulByte(let field), .textAfterClosingQuote(let field), .quoteInUnquotedField(let field),
            .fieldTooLarge(let field, _):
            field
        }
    }

    private static func read(_ reader: inout CSVReader<Bytes>, path: String) throws(AdmitError) -> CSVRow? {
        do {
            return try reader.next()
        } catch {
            throw .fileUnreadable(path: path, reason: "cannot read: \(error.reason.lowercased())")
        }
    }
}
