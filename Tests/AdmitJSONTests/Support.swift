import AdmitJSON
import Testing

/// A document the parser must accept, with the value it must produce.
struct Accepted: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let expected: JSONValue

    init(_ name: String, _ text: String, _ expected: JSONValue) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: JSONValue) {
        self.name = name
        self.bytes = bytes
        self.expected = expected
    }

    var testDescription: String { name }
}

/// A document the parser must reject, with the error kind and byte offset it must report.
struct Rejected: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let kind: JSONError.Kind
    let offset: Int
    let limits: JSONLimits

    init(_ name: String, _ text: String, _ kind: JSONError.Kind, at offset: Int, limits: JSONLimits = .default) {
        self.init(name, bytes: Array(text.utf8), kind, at: offset, limits: limits)
    }

    init(_ name: String, bytes: [UInt8], _ kind: JSONError.Kind, at offset: Int, limits: JSONLimits = .default) {
        self.name = name
        self.bytes = bytes
        self.kind = kind
        self.offset = offset
        self.limits = limits
    }

    var testDescription: String { name }
}

/// Parses `bytes`, returning the error (or `nil` if the parse succeeded).
func parseError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONError? {
    do {
        _ = try JSONParser.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// The byte of an ASCII character, for `.unexpectedCharacter` expectations.
func ascii(_ character: Unicode.Scalar) -> UInt8 {
    UInt8(ascii: character)
}

/// Writes `value` with a fresh compact writer and returns the text.
func written(_ value: JSONValue) -> String {
    var writer = JSONWriter()
    writer.value(value)
    return writer.string
}
