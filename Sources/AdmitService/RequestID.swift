import AdmitJSON

/// A request's `id`, echoed in its reply: a string, a number (kept as written) or null.
enum RequestID: Sendable, Hashable {
    case string(String)
    case number(JSONNumber)
    case null

    /// The id in `value`, or nil when the value cannot be an id (an object, array or boolean).
    init?(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .number(let number): self = .number(number)
        case .null: self = .null
        case .bool, .array, .object: return nil
        }
    }

    func write(to writer: inout JSONWriter) {
        switch self {
        case .string(let text): writer.write(text)
        case .number(let number): writer.write(number)
        case .null: writer.writeNull()
        }
    }
}
