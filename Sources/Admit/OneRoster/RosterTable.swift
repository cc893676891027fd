import AdmitCSV

/// A OneRoster CSV file read as a stream: its header checked, then one record at a time.
///
/// The CSV reading is registration's (RFC 4180, a byte order mark skipped, CRLF, LF and CR line
/// ends, quoted fields with delimiters and line breaks); blank lines are skipped. A record the
/// reader finds malformed, or with another number of fields than the header, comes back as a
/// reject naming the file, with its raw bytes.
struct RosterTable<Bytes: ByteSource> {
    enum Item {
        case record(RosterRecord)
        case malformed(RegistrationReject, raw: [UInt8])
    }

    let file: RosterFile
    let header: RosterHeader
    private var reader: CSVReader<Bytes>

    /// Reads and checks the header; throws `invalidInput` for an empty file or a bad header.
    init(bytes: Bytes, file: RosterFile, version: OneRosterVersion) throws(AdmitError) {
        self.file = file
        var reader = CSVReader(
            source: bytes, options: CSVOptions(maximumFieldBytes: CSVRegistrationSource<Bytes>.maximumFieldBytes))
        var first: CSVRow?
        repeat {
            first = try Self.read(&reader, file: file)
        } while first?.isBlank == true
        guard let first else {
            let names = file.columns(version).map(\.name).joined(separator: ",")
            throw .invalidInput(.emptyFile(path: file.fileName, header: names))
        }
        if let problem = first.problem {
            throw .invalidInput(.malformedHeader(path: file.fileName, line: first.line, message: problem.message, code: problem.code))
        }
        header = try RosterHeader(cells: first.fields, file: file, version: version, line: first.line)
        self.reader = reader
    }

    /// The next record or malformed record; nil after the last.
    mutating func next() throws(AdmitError) -> Item? {
        while let row = try Self.read(&reader, file: file) {
            if row.isBlank { continue }
            if let problem = row.problem {
                let reject = RegistrationReject(
                    line: row.line, column: nil, rejectClass: RejectClass(rawValue: problem.code) ?? .invalidEncoding,
                    message: problem.message, file: file.fileName)
                return .malformed(reject, raw: row.rawRecord)
            }
            guard row.fields.count == header.count else {
                let reject = RegistrationReject(
                    line: row.line, column: nil, rejectClass: .raggedRow,
                    message: "the row has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s"), the header \(header.count)",
                    file: file.fileName)
                return .malformed(reject, raw: row.rawRecord)
            }
            return .record(RosterRecord(line: row.line, fields: row.fields, header: header))
        }
        return nil
    }

    private static func read(_ reader: inout CSVReader<Bytes>, file: RosterFile) throws(AdmitError) -> CSVRow? {
        do {
            return try reader.next()
        } catch {
            throw .fileUnreadable(path: file.fileName, reason: "cannot read: \(error.reason.lowercased())")
        }
    }
}
