import AdmitDomain
import Crypto
import Foundation

extension SHA256.Digest {
    /// The digest's 32 bytes.
    package var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Whether the digest is these bytes.
    func equals(_ other: UnsafeRawBufferPointer) -> Bool {
        withUnsafeBytes { mine in mine.count == other.count && memcmp(mine.baseAddress!, other.baseAddress!, mine.count) == 0 }
    }
}

/// The last row of the hash chain: its sequence number and hash.
struct ChainHead {
    var seq: Int64
    /// 32 bytes (all zero before the first row).
    var hash: [UInt8]

    static let genesis = ChainHead(seq: 0, hash: [UInt8](repeating: 0, count: 32))
}

/// How a row's hash is computed: SHA-256 over the previous row's hash, a byte naming the row's
/// table, and every column of the row with texts that `audit_texts` holds written out as text.
///
/// Each field is a one-byte tag and its value: an integer as 8 bytes big-endian; a text or a
/// blob as a 4-byte big-endian length and its bytes; an absent value as its tag alone. So no two
/// different rows encode to the same bytes. Rows of the first format (`audit_log_v1`) are hashed
/// as `LegacyAuditChain` says.
package final class RowHasher {
    /// The table byte of each kind of row.
    enum Table: UInt8 {
        case decision = 0x44  // "D"
        case change = 0x43  // "C"
        case event = 0x45  // "E"
    }

    /// The row's bytes so far, in a buffer reused for every row (no array bookkeeping per byte).
    private var storage: UnsafeMutableRawPointer
    private var capacity = 1024
    private var count = 0

    package init() { storage = .allocate(byteCount: capacity, alignment: 8) }

    deinit { storage.deallocate() }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        while count + extra > capacity { capacity *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        bigger.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = bigger
    }

    private func append(_ byte: UInt8) {
        reserve(1)
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// Starts a row of `table` that follows a row with hash `previous`.
    private func start(_ table: Table, previous: UnsafeRawBufferPointer) {
        count = 0
        append(previous)
        append(table.rawValue)
    }

    private func add(_ value: Int64?) {
        guard let value else { return append(0) }
        reserve(9)
        storage.storeBytes(of: 2, toByteOffset: count, as: UInt8.self)
        storage.storeBytes(of: UInt64(bitPattern: value).bigEndian, toByteOffset: count + 1, as: UInt64.self)
        count += 9
    }

    private func add(_ value: String?) {
        guard var value else { return append(0) }
        append(1)
        value.withUTF8 { addLength(and: UnsafeRawBufferPointer($0)) }
    }

    private func add(blob value: UnsafeRawBufferPointer?) {
        guard let value else { return append(0) }
        append(3)
        addLength(and: value)
    }

    private func addLength(and value: UnsafeRawBufferPointer) {
        reserve(4)
        storage.storeBytes(of: UInt32(truncatingIfNeeded: value.count).bigEndian, toByteOffset: count, as: UInt32.self)
        count += 4
        append(value)
    }

    /// The row's hash.
    private func finish() -> SHA256.Digest {
        SHA256.hash(data: UnsafeRawBufferPointer(start: storage, count: count))
    }

    // The fields of each table, in the order they are hashed: written once, for appending
    // and for `audit verify` alike.

    /// The hash of an `audit_decisions` row.
    package func decision(
        previous: UnsafeRawBufferPointer, seq: Int64, recordedAt: Int64, actor: String, user: Int64, facts: Int64, lecture: String,
        at: Int64, effect: Int64, policy: String, reasons: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        start(.decision, previous: previous)
        add(seq)
        add(recordedAt)
        add(actor)
        add(user)
        add(facts)
        add(lecture)
        add(at)
        add(effect)
        add(policy)
        add(blob: reasons)
        return finish()
    }

    /// The hash of the `audit_decisions` row that records `decision` at `seq` after a row whose
    /// hash is `previous` (appending, in either store).
    package func decision(_ decision: DecisionRecord, seq: Int64, previous: UnsafeRawBufferPointer) -> SHA256.Digest {
        decision.code.withUnsafeBytes { code in
            self.decision(
                previous: previous, seq: seq, recordedAt: decision.recordedAt.millisecondsSinceEpoch, actor: decision.actor,
                user: decision.user.rawValue, facts: decision.factsVersion, lecture: decision.lecture.rawValue,
                at: decision.at.millisecondsSinceEpoch, effect: decision.effect == .allow ? 0 : 1, policy: decision.policyHash,
                reasons: code)
        }
    }

    /// The hash of an `audit_changes` row.
    ///
    /// `externalRole` (migration 5) is hashed after the enrolments, and only when the row has
    /// one: a row without a role hashes as rows did before the column was added.
    package func change(
        previous: UnsafeRawBufferPointer, seq: Int64, recordedAt: Int64, actor: String, kind: Int64, user: Int64, version: Int64,
        batch: Int64?, policy: String?, overrode: UnsafeRawBufferPointer?, email: String, name: String, profession: String,
        country: String?, account: String, subscription: String, registeredAt: Int64, externalID: String?,
        enrolments: UnsafeRawBufferPointer, externalRole: String?
    ) -> SHA256.Digest {
        start(.change, previous: previous)
        add(seq)
        add(recordedAt)
        add(actor)
        add(kind)
        add(user)
        add(version)
        add(batch)
        add(policy)
        add(blob: overrode)
        add(email)
        add(name)
        add(profession)
        add(country)
        add(account)
        add(subscription)
        add(registeredAt)
        add(externalID)
        add(blob: enrolments)
        if let externalRole { add(externalRole) }
        return finish()
    }

    /// The hash of an `audit_events` row.
    package func event(
        previous: UnsafeRawBufferPointer, seq: Int64, recordedAt: Int64, actor: String, kind: String, package: String?, at: Int64?,
        policy: String?, batch: Int64?, detail: String
    ) -> SHA256.Digest {
        start(.event, previous: previous)
        add(seq)
        add(recordedAt)
        add(actor)
        add(kind)
        add(package)
        add(at)
        add(policy)
        add(batch)
        add(detail)
        return finish()
    }
}

/// How a row of the first format (`audit_log_v1`, before migration 4) was hashed: SHA-256 over
/// the previous hash in hex and every column, each field a one-byte tag, a 4-byte big-endian
/// length and its UTF-8 bytes (an integer as 8 bytes; an absent value as its tag alone).
enum LegacyAuditChain {
    static let genesis = String(repeating: "0", count: 64)

    static func hash(seq: Int64, record: LegacyAuditRecord, previous: String, scratch bytes: inout [UInt8]) -> String {
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(256 + record.detail.utf8.count)
        field(&bytes, previous)
        field(&bytes, seq)
        field(&bytes, record.recordedAt)
        field(&bytes, record.actor)
        field(&bytes, record.kind)
        field(&bytes, record.user)
        field(&bytes, record.package)
        field(&bytes, record.lecture)
        field(&bytes, record.at)
        field(&bytes, record.effect)
        field(&bytes, record.policyHash)
        field(&bytes, record.batch)
        field(&bytes, record.detail)
        return SHA256.hash(data: bytes).hexString
    }

    private static func field(_ bytes: inout [UInt8], _ value: String?) {
        guard let value else { return bytes.append(0) }
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
        guard let value else { return bytes.append(0) }
        bytes.append(2)
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }
}

/// A row of `audit_log_v1`, every column as stored (texts as text).
struct LegacyAuditRecord: Sendable, Hashable {
    var recordedAt: Int64
    var actor: String
    var kind: String
    var user: Int64?
    var package: String?
    var lecture: String?
    var at: Int64?
    var effect: String?
    var policyHash: String?
    var batch: Int64?
    var detail: String
}

extension SHA256.Digest {
    /// Lowercase hexadecimal, written straight into the string's storage.
    public var hexString: String { withUnsafeBytes { hex($0) } }
}

/// Lowercase hexadecimal of `bytes`, written straight into the string's storage.
func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        for (index, byte) in bytes.enumerated() {
            out[2 * index] = table[Int(byte >> 4)]
            out[2 * index + 1] = table[Int(byte & 0xF)]
        }
        return bytes.count * 2
    }
}

/// The bytes of lowercase or uppercase hexadecimal `text`; nil when it is not.
func bytes(hex text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    var result: [UInt8] = []
    result.reserveCapacity(utf8.count / 2)
    var index = 0
    while index < utf8.count {
        guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
        result.append(high << 4 | low)
        index += 2
    }
    return result
}
