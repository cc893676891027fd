import Foundation

/// An email address in its normal form: trimmed, Unicode NFC, case-folded.
///
/// Two addresses that differ only in case, surrounding white space or Unicode normalisation are
/// the same person's: `Ada@Example.org ` and `ada@example.org` normalise to the same value.
public struct EmailAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The normalised address.
    public let normalized: String

    /// Normalises `text` and checks its shape; throws `EmailError` saying what is wrong.
    public init(_ text: String) throws(EmailError) {
        let normal = EmailAddress.normalize(text)
        if let problem = EmailAddress.shapeProblem(normal) { throw EmailError(text: text, problem: problem) }
        normalized = normal
    }

    /// An address that is already in normal form, as the store keeps it: not normalised or
    /// checked again (reading a million users back would otherwise normalise each once more).
    public init(storedNormalized normalized: String) {
        self.normalized = normalized
    }

    /// Trims white space, applies Unicode NFC and full case folding.
    ///
    /// ASCII text takes a fast path with the same result: ASCII is already in NFC, and folding
    /// ASCII is lowercasing `A`–`Z`. Anything else goes through Foundation.
    public static func normalize(_ text: String) -> String {
        asciiNormalized(text) ?? unicodeNormalized(text)
    }

    /// The general path: Foundation's NFC and case folding, for any text.
    static func unicodeNormalized(_ text: String) -> String {
        text.trimmingWhitespace()
            .precomposedStringWithCanonicalMapping
            .folding(options: [.caseInsensitive], locale: nil)
            .precomposedStringWithCanonicalMapping
    }

    /// The normal form of an all-ASCII `text`, or nil when `text` holds any other character.
    static func asciiNormalized(_ text: String) -> String? {
        var utf8 = text
        return utf8.withUTF8 { bytes -> String? in
            guard ASCII.isASCII(bytes) else { return nil }
            var start = 0
            var end = bytes.count
            while start < end, ASCII.isWhitespace(bytes[start]) { start += 1 }
            while end > start, ASCII.isWhitespace(bytes[end - 1]) { end -= 1 }
            let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard trimmed.contains(where: ASCII.isUppercase) else {
                return start == 0 && end == bytes.count ? text : String(decoding: trimmed, as: UTF8.self)
            }
            return String(unsafeUninitializedCapacity: trimmed.count) { out in
                for (i, byte) in trimmed.enumerated() { out[i] = ASCII.isUppercase(byte) ? byte | 0x20 : byte }
                return trimmed.count
            }
        }
    }

    /// What is wrong with the shape of a normalised address, or nil when it is acceptable.
    ///
    /// Deliberately simple: one `@`, a non-empty local part of at most 64 bytes, a domain with a
    /// dot, no white space or control characters, at most 254 bytes in all.
    static func shapeProblem(_ address: String) -> EmailError.Problem? {
        if address.isEmpty { return .empty }
        if address.utf8.count > 254 { return .tooLong }
        if let problem = asciiShapeProblem(address) { return problem.problem }
        return unicodeShapeProblem(address)
    }

    /// `shapeProblem` for all-ASCII text, byte by byte; `.some(nil)` means acceptable, and nil
    /// that the text is not ASCII (use the general path).
    static func asciiShapeProblem(_ address: String) -> ShapeCheck? {
        var address = address
        return address.withUTF8 { bytes -> ShapeCheck? in
            guard ASCII.isASCII(bytes) else { return nil }
            if bytes.isEmpty { return ShapeCheck(.empty) }
            if bytes.count > 254 { return ShapeCheck(.tooLong) }
            var at = -1
            var atSigns = 0
            for (i, byte) in bytes.enumerated() {
                if byte <= 0x20 || byte == 0x7F { return ShapeCheck(.whitespaceOrControl) }
                if byte == UInt8(ascii: "@") {
                    atSigns += 1
                    at = i
                }
            }
            guard atSigns == 1 else { return ShapeCheck(.atSigns) }
            if at == 0 || at > 64 { return ShapeCheck(.localPart) }
            let domain = bytes[(at + 1)...]
            var labels = 1
            var previous = UInt8(ascii: ".")
            for byte in domain {
                if byte == UInt8(ascii: ".") {
                    if previous == UInt8(ascii: ".") { return ShapeCheck(.domain) }
                    labels += 1
                }
                previous = byte
            }
            if domain.isEmpty || previous == UInt8(ascii: ".") || labels < 2 { return ShapeCheck(.domain) }
            return ShapeCheck(nil)
        }
    }

    /// The outcome of the ASCII shape check: the problem, or nil when the address is acceptable.
    struct ShapeCheck {
        let problem: EmailError.Problem?
        init(_ problem: EmailError.Problem?) { self.problem = problem }
    }

    /// `shapeProblem` for any text, scalar by scalar.
    static func unicodeShapeProblem(_ address: String) -> EmailError.Problem? {
        if address.isEmpty { return .empty }
        if address.utf8.count > 254 { return .tooLong }
        if address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return .whitespaceOrControl
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .atSigns }
        let local = parts[0]
        let domain = parts[1]
        if local.isEmpty || local.utf8.count > 64 { return .localPart }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 || labels.contains(where: \.isEmpty) { return .domain }
        return nil
    }

    /// The normalised address.
    public var description: String { normalized }
    /// Order of the normalised addresses.
    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.normalized < rhs.normalized }

    /// Decodes an address from a string, normalising and checking it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the normalised address.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(normalized)
    }
}

/// Why a text is not an acceptable email address.
public struct EmailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the address.
    public enum Problem: Sendable, Hashable {
        case empty, tooLong, whitespaceOrControl, atSigns, localPart, domain
    }

    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var problem: Problem

    /// The error for `text`.
    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

    /// One lowercase line naming the text and the problem.
    public var description: String {
        let what: String
        switch problem {
        case .empty: return "the email address is empty"
        case .tooLong: what = "is longer than 254 bytes"
        case .whitespaceOrControl: what = "contains white space or a control character"
        case .atSigns: what = "must contain exactly one '@'"
        case .localPart: what = "needs 1 to 64 bytes before the '@'"
        case .domain: what = "needs a domain with a dot after the '@'"
        }
        return "email address '\(text)' \(what)"
    }
}
