/// Streams JSON text into a reusable UTF-8 byte buffer, inserting commas (and, in pretty style, newlines and indentation) itself.
///
/// Call the methods in document order: inside an object, ``key(_:)`` before each
/// value. Structure is checked by debug assertions only, except that an end
/// without a matching begin always traps (it would corrupt the output).
/// Strings are escaped minimally: `"` `\` and control characters (`\n \r \t \b \f`
/// short forms, others as `\u00xx`); `/` and non-ASCII characters are written
/// verbatim as UTF-8. The output always parses back with ``JSONParser``.
///
/// The output goes to an internal byte buffer that only grows: ``reset()`` keeps
/// it for the next document, ``take()`` copies the output out and resets,
/// ``withUnsafeBytes(_:)`` lends it without copying. Copies of a writer share
/// the buffer until one of them writes (copy-on-write).
public struct JSONWriter: Sendable {
    /// Layout of the output.
    public enum Style: Sendable, Hashable {
        /// No whitespace at all: `{"a":[1,2]}`.
        case compact
        /// Each member and element on its own line, indented by 2 spaces per level, `": "` after keys; no trailing newline.
        case pretty
    }

    /// Where the writer is inside the current container.
    enum State: Sendable {
        /// At the start of the document or of a container: no comma needed.
        case first
        /// After a complete value: the next value or key needs a comma.
        case afterValue
        /// After a key and its colon: the value follows directly.
        case afterKey
    }

    /// Output bytes in `0..<length`.
    var buffer: ByteBuffer
    /// Number of bytes written.
    var length = 0
    /// The layout this writer produces.
    public let style: Style
    var state: State = .first
    var depth = 0
    let initialCapacity: Int

    /// Creates an empty writer whose buffer starts with room for `capacity` bytes.
    public init(style: Style = .compact, reservingCapacity capacity: Int = 512) {
        self.style = style
        self.initialCapacity = Swift.max(capacity, 16)
        self.buffer = ByteBuffer(capacity: initialCapacity)
    }

    /// The number of bytes written so far.
    public var count: Int { length }

    /// A copy of the bytes written so far (UTF-8); ``withUnsafeBytes(_:)`` avoids the copy.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: buffer.base, count: length))
    }

    /// The bytes written so far as a `String`.
    public var string: String {
        String(decoding: UnsafeBufferPointer(start: buffer.base, count: length), as: UTF8.self)
    }

    /// Calls `body` with the bytes written so far, without copying.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        defer { withExtendedLifetime(buffer) {} }
        return try body(UnsafeRawBufferPointer(start: buffer.base, count: length))
    }

    /// Forgets what was written, keeping the buffer, so the writer can produce another document.
    public mutating func reset() {
        length = 0
        state = .first
        depth = 0
    }

    /// Returns the bytes written as an array and resets the writer, keeping its buffer for the next document.
    public mutating func take() -> [UInt8] {
        let taken = bytes
        reset()
        return taken
    }

    /// Writes `null`.
    public mutating func writeNull() {
        appendScalar("null")
    }

    /// Writes `true` or `false`.
    public mutating func write(_ value: Bool) {
        appendScalar(value ? "true" : "false")
    }

    /// Writes an integer in decimal.
    public mutating func write(_ value: Int64) {
        appendDecimal(value)
    }

    /// Writes an integer in decimal.
    public mutating func write(_ value: Int) {
        appendDecimal(Int64(value))
    }

    /// Writes the shortest text that reads back as `value`; traps if `value` is infinite or NaN (check `isFinite` or use `JSONNumber(_: Double)` first).
    public mutating func write(_ value: Double) {
        precondition(value.isFinite, "JSON cannot represent the non-finite number \(value)")
        appendNumberText(value.description)
    }

    /// Writes a number's literal text verbatim.
    public mutating func write(_ value: JSONNumber) {
        appendNumberText(value.text)
    }

    /// Writes a quoted, escaped string.
    public mutating func write(_ value: String) {
        appendString(value, isKey: false)
    }

    /// Writes an object key (quoted, escaped) and its colon; the value must follow.
    public mutating func key(_ key: String) {
        assert(depth > 0, "JSONWriter.key(_:) outside an object")
        assert(state != .afterKey, "JSONWriter.key(_:) right after a key")
        appendString(key, isKey: true)
    }

    /// Opens an object: `{`.
    public mutating func beginObject() {
        open(Byte.openBrace)
    }

    /// Closes the innermost object: `}`.
    public mutating func endObject() {
        close(Byte.closeBrace)
    }

    /// Opens an array: `[`.
    public mutating func beginArray() {
        open(Byte.openBracket)
    }

    /// Closes the innermost array: `]`.
    public mutating func endArray() {
        close(Byte.closeBracket)
    }

    /// Writes a whole value tree.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let bool): write(bool)
        case .number(let number): write(number)
        case .string(let string): write(string)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    /// Writes `string` as a quoted, escaped JSON string into a new `String` (for messages).
    static func quoted(_ string: String) -> String {
        var writer = JSONWriter(reservingCapacity: string.utf8.count + 2)
        writer.write(string)
        return writer.string
    }
}

extension JSONWriter {
    /// Writes `json`, the compact text of one complete JSON value (as another compact writer
    /// produced it), verbatim as the next value: for values rendered once and written often.
    ///
    /// The text is not checked; in pretty style it keeps its own (compact) layout.
    public mutating func writeSerialized(_ json: [UInt8]) {
        json.withUnsafeBufferPointer { appendValueBytes($0) }
    }
}
