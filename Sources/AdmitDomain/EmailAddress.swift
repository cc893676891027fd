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

    /// Trims white space, applies Unicode NFC and full case folding.
    public static func normalize(_ text: String) -> String {
        text.trimmingWhitespace()
            .precomposedStringWithCanonicalMapping
            .folding(options: [.caseInsensitive], locale: nil)
            .precomposedStringWithCanonicalMapping
    }

    /// What is wrong with the shape of a normalised address, or nil when it is acceptable.
    ///
    /// Deliberately simple: one `@`, a non-empty local part of at most 64 bytes, a domain with a
    /// dot, no white space or control characters, at most 254 bytes in all.
    static func shapeProblem(_ address: String) -> EmailError.Problem? {
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

    public var description: String { normalized }
    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.normalized < rhs.normalized }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

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

    public var text: String
    public var problem: Problem

    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

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
