import AdmitCSV
import AdmitJSON

/// The rejected rows, written as they come so that they can be fixed and imported again.
///
/// For CSV input it is CSV: an `error` column first (`line 7: country: … [invalid-value]`), then
/// the input's own columns (without any `error` column it had). A well-formed record's fields are
/// written back through `CSVWriter` (without formula neutralisation, so that values re-import
/// exactly as they were; the file holds nothing the input did not); a malformed one (an
/// unclosed quote, invalid UTF-8, a ragged row, …) is copied byte for byte after the error field,
/// for a person to repair. For JSON Lines input it is JSON Lines: each rejected object with an
/// `error` member first, and a line that was not an object as `{"error": …, "text": …}`. The
/// importer ignores `error` columns and members, so a fixed file re-imports as it is.
final class RejectsFile {
    enum Layout {
        case csv(header: [String], errorColumn: Int?)
        case jsonLines
        /// The rows of several files (a OneRoster package): `error` (naming the file and line),
        /// then `record`, the row as its file had it (one CSV record, or the raw bytes of a malformed one).
        case package
    }

    let path: String
    private let file: OutputFile
    private let layout: Layout
    private var writer = CSVWriter()
    private var buffer: [UInt8] = []

    init(path: String, layout: Layout) throws(AdmitError) {
        self.path = path
        self.layout = layout
        file = try OutputFile(path: path)
        if case .csv(let header, let errorColumn) = layout {
            writer.write([RegistrationColumn.errorColumn] + Self.dropping(errorColumn, from: header))
            buffer = writer.takeBytes()
        } else if case .package = layout {
            writer.write([RegistrationColumn.errorColumn, "record"])
            buffer = writer.takeBytes()
        }
    }

    func write(_ reject: RegistrationReject, original: RegistrationInput.Original) throws(AdmitError) {
        let error = reject.description
        switch (layout, original) {
        case (.csv(_, let errorColumn), .fields(let fields)):
            writer.write([error] + Self.dropping(errorColumn, from: fields))
            buffer += writer.takeBytes()
        case (.csv, .bytes(let raw)):
            writer.write([error])
            var record = writer.takeBytes()
            record.removeLast(2)  // the CRLF: the raw record follows on the same line
            record.append(writer.delimiter)
            writer.writeRaw(record + raw)
            buffer += writer.takeBytes()
        case (.jsonLines, .object(let object)):
            var out = JSONObject()
            out[RegistrationColumn.errorColumn] = .string(error)
            for key in object.keys where key != RegistrationColumn.errorColumn { out[key] = object[key] }
            buffer += JSONValue.object(out).serializedBytes() + [0x0A]
        case (.jsonLines, .bytes(let raw)):
            let out: JSONValue = ["error": .string(error), "text": .string(String(decoding: raw, as: UTF8.self))]
            buffer += out.serializedBytes() + [0x0A]
        case (.package, .fields(let fields)):
            var record = CSVWriter()
            record.write(fields)
            var text = record.takeBytes()
            text.removeLast(2)
            writer.write([error, String(decoding: text, as: UTF8.self)])
            buffer += writer.takeBytes()
        case (.package, .bytes(let raw)):
            writer.write([error, String(decoding: raw, as: UTF8.self)])
            buffer += writer.takeBytes()
        case (.csv, .object), (.jsonLines, .fields), (.package, .object), (_, .none):
            return  // not produced by the sources that write rejects files
        }
        if buffer.count >= 64 << 10 { try flush() }
    }

    /// Writes what is buffered and closes the file.
    func finish() throws(AdmitError) {
        try flush()
        file.close()
    }

    private func flush() throws(AdmitError) {
        guard !buffer.isEmpty else { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private static func dropping(_ position: Int?, from fields: [String]) -> [String] {
        guard let position, position < fields.count else { return fields }
        var fields = fields
        fields.remove(at: position)
        return fields
    }
}
