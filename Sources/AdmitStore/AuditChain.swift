import AdmitDomain
import Crypto

/// How an audit row's hash is computed: SHA-256 over the previous hash and every column of the row.
///
/// Each field is written as a one-byte tag, a 4-byte big-endian length and its UTF-8 bytes (an
/// absent value has its own tag), so no two different rows encode to the same bytes.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    static func hash(seq: Int64, record: AuditRecord, previous: String) -> String {
        var bytes: [UInt8] = []
        return hash(seq: seq, record: record, previous: previous, scratch: &bytes)
    }

    /// The same, encoding the row into `bytes` (emptied first): a caller hashing many rows
    /// passes the same buffer each time, so its storage is allocated once.
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
        bytes.append(UInt8(count >> 24))
        bytes.append(UInt8(count >> 16 & 0xFF))
        bytes.append(UInt8(count >> 8 & 0xFF))
        bytes.append(UInt8(count & 0xFF))
        var text = value
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private static func field(_ bytes: inout [UInt8], _ value: Int64?) {
        guard let value else {
            bytes.append(0)
            return
        }
        bytes.append(2)
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }
}

extension SHA256.Digest {
    /// Lowercase hexadecimal, written straight into the string's storage.
    public var hexString: String {
        withUnsafeBytes { digest in
            String(unsafeUninitializedCapacity: digest.count * 2) { out in
                let digits: StaticString = "0123456789abcdef"
                let table = digits.utf8Start
                for (index, byte) in digest.enumerated() {
                    out[2 * index] = table[Int(byte >> 4)]
                    out[2 * index + 1] = table[Int(byte & 0xF)]
                }
                return digest.count * 2
            }
        }
    }
}
