import AdmitRules
import AdmitStore
import Crypto
import Foundation

/// The identity of a policy set: the SHA-256 of its files' names and exact text.
///
/// Written `sha256:` followed by 64 hex digits. Every decision names the version it was made under,
/// and the store keeps the text of every version, so a decision can be replayed exactly.
public struct PolicyVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `sha256:<64 hex digits>`.
    public let hash: String

    public init(hash: String) { self.hash = hash }

    /// The version of these files: their names (sorted) and bytes, each length-prefixed.
    public init(sources: [PolicySource]) {
        var hasher = SHA256()
        for source in sources.sorted(by: { $0.path < $1.path }) {
            let name = Array((source.path as NSString).lastPathComponent.utf8)
            let text = Array(source.text.utf8)
            hasher.update(data: Self.lengthPrefix(name.count) + name + Self.lengthPrefix(text.count) + text)
        }
        hash = "sha256:" + hasher.finalize().hexString
    }

    /// The first 12 hex digits, for people.
    public var short: String { Self.short(hash) }

    /// The first 12 hex digits of a version's hash (`sha256:…`), for people.
    public static func short(_ hash: String) -> String { String(hash.dropFirst("sha256:".count).prefix(12)) }

    public var description: String { hash }

    private static func lengthPrefix(_ count: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(count).bigEndian, Array.init)
    }
}
