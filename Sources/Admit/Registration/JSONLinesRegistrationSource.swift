import AdmitCSV
import AdmitDomain
import AdmitJSON

/// Registration rows from JSON Lines: one JSON object per line, keys as the CSV columns.
///
/// Values are strings; `null` means "not given". Blank lines are skipped and a UTF-8 byte order
/// mark before the first line is tolerated. A line that is not one strict JSON object (RFC 8259,
/// duplicate keys refused), has a key that is not a column, or a value that is not a string,
/// comes back as a malformed input. A key `error` (what a rejects file adds) is ignored.
struct JSONLinesRegistrationSource<Bytes: ByteSource>: RegistrationSource {
    let path: String
    private var lines: LineReader<Bytes>
    private var isFirstLine = true

    init(bytes: Bytes, path: String) {
        self.path = path
        lines = LineReader(source: bytes, maximumBytes: CSVRegistrationSource<Bytes>.maximumFieldBytes)
    }

    mutating func next() throws(AdmitError) -> RegistrationInput? {
        while true {
            let next: LineReader<Bytes>.Line?
            do { next = try lines.next() } catch {
                throw .fileUnreadable(path: path, reason: "cannot read: \(error)")
            }
            guard var line = next else { return nil }
            if isFirstLine {
                isFirstLine = false
                if line.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { line.bytes.removeFirst(3) }
            }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) && !line.isTooLong { continue }
            return input(line)
        }
    }

    private func input(_ line: LineReader<Bytes>.Line) -> RegistrationInput {
        func malformed(_ rejectClass: RejectClass, _ column: String?, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(RegistrationReject(line: line.number, column: column, rejectClass: rejectClass, message: message)),
                original: .bytes(line.bytes))
        }
        if line.isTooLong {
            return malformed(.fieldTooLarge, nil, "the line is longer than \(CSVRegistrationSource<Bytes>.maximumFieldBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line.bytes)
        } catch {
            let rejectClass: RejectClass = error.kind == .invalidUTF8 ? .invalidEncoding : .invalidJSON
            return malformed(rejectClass, nil, "byte \(error.offset + 1): \(error.kind.message)")
        }
        return RegistrationInput(json: value, line: line.number, bytes: line.bytes)
    }
}

extension RegistrationInput {
    /// One user given as a JSON value (a JSON Lines line, or an element of the service's array).
    ///
    /// Keys are the columns; values are strings, `null` meaning "not given"; a key `error` is
    /// ignored. Anything else (not an object, an unknown key, a value that is not a string) is
    /// a malformed input. `bytes` is what a rejects file copies of a value that is not an object.
    init(json value: JSONValue, line: Int, bytes: [UInt8]?) {
        guard case .object(let object) = value else {
            self.init(
                content: .malformed(
                    RegistrationReject(
                        line: line, column: nil, rejectClass: .invalidJSON,
                        message: "the \(bytes == nil ? "value" : "line") is not a JSON object")),
                original: bytes.map { .bytes($0) } ?? .none)
            return
        }
        func malformed(_ column: String, _ rejectClass: RejectClass, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(RegistrationReject(line: line, column: column, rejectClass: rejectClass, message: message)),
                original: .object(object))
        }
        var row = RegistrationRow(line: line)
        for key in object.keys {
            guard let member = object[key] else { continue }
            if key == RegistrationColumn.errorColumn { continue }
            guard let column = RegistrationColumn(rawValue: key) else {
                let known = RegistrationColumn.allCases.map(\.rawValue)
                let hint = Suggestions.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? ""
                let shown = RegistrationRow.shown(key)
                self = malformed(shown, .unknownField, "unknown field '\(shown)'" + hint)
                return
            }
            switch member {
            case .string(let text): row[column] = text
            case .null: break
            default:
                self = malformed(
                    column.rawValue, .invalidValue, "the value must be a string or null, not \(RegistrationRow.shown(member.serialized()))")
                return
            }
        }
        self.init(content: .row(row), original: .object(object))
    }
}
