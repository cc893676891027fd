/// A JSON number that keeps its literal text exactly as written.
///
/// Two numbers are equal when their texts are equal, so `1`, `1.0` and `1e0`
/// are three different values. Use ``int64`` or ``double`` to compare by value.
/// The text is always a valid RFC 8259 number, so it can be written back verbatim.
public struct JSONNumber: Sendable, Hashable {
    /// The literal text, for example `-12.5e3`.
    public let text: String

    /// Wraps text that the caller has already checked against the RFC 8259 number grammar.
    init(uncheckedText text: String) {
        self.text = text
    }

    /// Creates the integer number written in decimal, for example `-42`.
    public init(_ value: Int64) {
        self.text = String(value)
    }

    /// Creates the integer number written in decimal, for example `-42`.
    public init(_ value: Int) {
        self.text = String(value)
    }

    /// Creates the shortest text that reads back as `value`; `nil` when `value` is infinite or NaN, which JSON cannot represent.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        // Swift's description is the shortest round-tripping form, e.g. `1.0`, `0.1`,
        // `1e-05`, `1e+16`, `-0.0`; every such form matches the JSON number grammar.
        self.text = value.description
    }

    /// Creates a number from literal text; `nil` unless `text` is exactly one RFC 8259 number (no sign `+`, no leading zeros, no spaces).
    public init?(literal text: String) {
        var copy = text
        let valid = copy.withUTF8 { bytes in
            JSONNumber.matchesGrammar(UnsafeRawBufferPointer(bytes))
        }
        guard valid else { return nil }
        self.text = text
    }

    /// Whether the literal has neither a fraction nor an exponent (`12`, `-0`; not `1.0` or `1e2`).
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The exact value when the literal is an integer (no fraction, no exponent) in `Int64` range, else `nil`.
    ///
    /// This is strict about the spelling: `1.0` and `1e2` give `nil` even though
    /// they denote integers, and so does anything outside
    /// `-9223372036854775808...9223372036854775807`. `-0` gives `0`.
    public var int64: Int64? {
        var copy = text
        return copy.withUTF8 { JSONNumber.exactInt64(UnsafeRawBufferPointer($0)) }
    }

    /// The nearest `Double`; `±infinity` when the magnitude is too large (`1e400`) and `±0` when too small (`1e-400`).
    public var double: Double {
        // The text always matches the grammar, which `Double(_:)` accepts; the
        // fallback is unreachable but avoids a force unwrap.
        Double(text) ?? .nan
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The literal text.
    public var description: String { text }
}

extension JSONNumber {
    /// Parses an optional `-` and decimal digits (no fraction, no exponent) into `Int64`, `nil` on anything else or overflow.
    static func exactInt64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let count = bytes.count
        guard count > 0 else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < count else { return nil }
        // Accumulate negatively so that Int64.min is reachable.
        var value: Int64 = 0
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        guard value != .min else { return nil }
        return -value
    }

    /// Whether `bytes` is exactly one number per the RFC 8259 grammar.
    static func matchesGrammar(_ bytes: UnsafeRawBufferPointer) -> Bool {
        numberEnd(bytes, from: 0).map { $0 == bytes.count } ?? false
    }

    /// Scans one number starting at `start`; the index just past it, or `nil` with no error detail.
    static func numberEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        switch scanNumber(bytes, from: start) {
        case .success(let end): return end
        case .failure: return nil
        }
    }

    /// Scans one number starting at `start`: the index just past it, or the offset of the first byte that breaks the grammar.
    @inline(__always)
    static func scanNumber(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Result<Int, NumberSyntaxError> {
        let count = bytes.count
        var index = start
        @inline(__always) func isDigit(_ i: Int) -> Bool {
            i < count && bytes[i] &- UInt8(ascii: "0") < 10
        }
        if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count else { return .failure(NumberSyntaxError(offset: index)) }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) { return .failure(NumberSyntaxError(offset: index)) }
        } else if first &- UInt8(ascii: "1") < 9 {
            index += 1
            while isDigit(index) { index += 1 }
        } else {
            return .failure(NumberSyntaxError(offset: index))
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return .failure(NumberSyntaxError(offset: index)) }
            index += 1
            while isDigit(index) { index += 1 }
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return .failure(NumberSyntaxError(offset: index)) }
            index += 1
            while isDigit(index) { index += 1 }
        }
        return .success(index)
    }
}

/// Where a number literal stops matching the grammar.
struct NumberSyntaxError: Error {
    /// Byte offset of the offending byte (or the end of input).
    let offset: Int
}
