import Foundation

/// The secret a TCP client puts in `params.token` to call mutating methods.
///
/// Read from `--token-file`: the file's text without surrounding whitespace (so a trailing
/// newline does not matter); it must be at least 16 bytes. Compared in constant time.
public struct BearerToken: Sendable {
    private let bytes: [UInt8]

    public init(_ text: String) throws(ServiceError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 16 else {
            throw .configuration("the token must be at least 16 characters long (it has \(trimmed.utf8.count))")
        }
        bytes = Array(trimmed.utf8)
    }

    /// Reads the token from a file, which only its owner may read (mode 600 or stricter).
    public init(contentsOf path: String) throws(ServiceError) {
        try TLSFiles.checkPrivate(path, what: "token file")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(path): cannot read the token file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .configuration("\(path): the token file is not UTF-8 text")
        }
        do { try self.init(text) } catch { throw .configuration("\(path): \(error.description)") }
    }

    /// Whether `candidate` is the token, taking the same time for every candidate of a given length.
    func matches(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        let given = Array(candidate.utf8)
        var difference = UInt8(given.count == bytes.count ? 0 : 1)
        for index in bytes.indices {
            difference |= bytes[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
