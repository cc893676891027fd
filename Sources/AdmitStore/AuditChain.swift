import AdmitDomain
import Crypto

/// How an audit row's hash is computed: SHA-256 over the previous hash and every column of the row.
///
/// Each field is written as a one-byte tag, a 4-byte big-endian length and its UTF-8 bytes (an
/// absent value has its own tag), so no two different rows encode to the same bytes.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    static func hash(seq: Int64, record: AuditRecord, previous: String) -> String {
        var scratch: [UInt8] = []
        return hash(seq: seq, record: record, previous: previous, scratch: &scratch)
    }

    /// The same hash, encoding into `scratch` (emptied first): an appender that reuses one buffer
    /// for all its rows allocates nothing here but the hex string it returns.
    static func hash(seq: Int64, record: AuditRecord, previous: String, scratch bytes: inout [UInt8]) -> String {
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(256 + record.detail.utf8.count)
        field(&bytes, previous)
        field(&bytes, seq)
        field(&bytes, record.recordedAt.millisecondsSinceEpoch)
        field(&bytes, record.actor)
        field(&bytes, record.kind.rawValue)
        field(&bytes, record.user?.rawValue)
        field(&bytes, record.package?.rawValue)
        field(&bytes, record.lecture?.rawValue)
        field(&bytes, record.at?.millisecondsSinceEpoch)
        field(&bytes, record.effect?.rawValue)
        field(&bytes, record.policyHash)
        field(&bytes, record.batch)
        field(&bytes, record.detail)
        return SHA256.hash(data: bytes).hexString
    }

    private static func field(_ bytes: inout [UInt8], _ value: String?) {
        guard let value else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        let count = UInt32(truncatingIfNeeded: value.utf8.count)
        withUnsafeBytes(of: count.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: value.utf8)
    }

    private static func field(_ bytes: inout [UInt8], _ value: Int64?) {
        guard let value else {
            bytes.append(0)
            return
        }
        bytes.append(2)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

extension SHA256Digest {
    /// Lowercase hexadecimal, 64 characters, written straight into the string's storage.
    var hexString: String {
        withUnsafeBytes { digest in
            String(unsafeUninitializedCapacity: digest.count * 2) { out in
                for (index, byte) in digest.enumerated() {
                    out[2 * index] = hexDigits[Int(byte >> 4)]
                    out[2 * index + 1] = hexDigits[Int(byte & 0xF)]
                }
                return digest.count * 2
            }
        }
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
