import AdmitCSV
import AdmitStore
import Crypto

/// A byte source that counts what passes through it and, unless told the digest already,
/// computes its SHA-256 on the way.
///
/// A class, so that the count and the digest can be read while a reader owns the source.
final class MeasuredByteSource: ByteSource {
    private var base: any ByteSource
    private var hasher: SHA256?
    /// Bytes read so far.
    private(set) var count: Int64 = 0

    init(_ base: any ByteSource, hashing: Bool) {
        self.base = base
        hasher = hashing ? SHA256() : nil
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let read = try base.read(into: buffer)
        if read > 0 {
            count += Int64(read)
            hasher?.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<read]))
        }
        return read
    }

    /// The SHA-256 of every byte read, hex; nil when not hashing. Call once, after the end.
    func digest() -> String? {
        hasher.map { $0.finalize().hexString }
    }

    /// The SHA-256 of a regular file, read once in 1 MiB chunks.
    static func sha256(ofFile path: String) throws(AdmitError) -> String {
        let file: FileByteSource
        do { file = try FileByteSource(path: path) } catch {
            throw .fileUnreadable(path: path, reason: "cannot open: \(error.reason.lowercased())")
        }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let read: Int
            do { read = try buffer.withUnsafeMutableBytes { try file.read(into: $0) } } catch {
                throw .fileUnreadable(path: path, reason: "cannot read: \(error)")
            }
            if read == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<read])) }
        }
        return hasher.finalize().hexString
    }
}
