/// Strict RFC 8259 parser: exactly one JSON value, optionally surrounded by space, tab, LF or CR.
///
/// Rejects everything RFC 8259 does not allow (trailing commas, leading zeros,
/// `+1`, `.5`, `1.`, NaN/Infinity, comments, single quotes, unquoted keys,
/// raw control characters in strings, bad escapes, unpaired surrogate escapes,
/// ill-formed UTF-8, a leading byte-order mark) and, beyond RFC 8259, duplicate
/// object keys and nesting deeper than ``JSONLimits/maxDepth``. Numbers of any
/// size are accepted; ``JSONNumber`` keeps their text.
public enum JSONParser {
    /// Parses one JSON document from raw bytes, which must be UTF-8.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { typed in
            Result { () throws(JSONError) -> JSONValue in try parse(typed, limits: limits) }
        }.get()
    }

    /// Parses one JSON document from UTF-8 bytes.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try JSONParserCore.parse(bytes, limits: limits).get()
    }

    /// Parses one JSON document from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer, limits: limits) }
        }.get()
    }

    /// Parses one JSON document from a slice of UTF-8 bytes; error offsets count from the slice's start.
    public static func parse(_ bytes: ArraySlice<UInt8>, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer, limits: limits) }
        }.get()
    }

    /// Parses one JSON document from a string (its UTF-8 form); a leading U+FEFF is rejected as a byte-order mark.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(JSONError) -> JSONValue in try parse(utf8, limits: limits) }
        }.get()
    }
}
