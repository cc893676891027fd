import AdmitDomain
import Foundation

/// Every user's facts in memory, for a long-running process (`admit serve`): a check then reads
/// no SQL at all.
///
/// It holds, per user, only what rules read and what finds the user, in flat arrays: a 32-byte
/// record (attributes as small integers, the facts version, where the user's enrolments and
/// address are), 32 bytes per enrolment, the normalised address in one byte arena, and an
/// open-addressing index from address to user. It is filled from the audit log's state rows
/// (`Store.forEachState`) and kept current by reading the rows after the last one it has seen:
/// the log is the change feed, for this process's own changes and for other processes' alike.
final class ResidentFacts {
    private struct Record {
        var id: Int64
        var version: Int64
        var enrolmentStart: UInt32
        var enrolmentCount: UInt16
        var emailLength: UInt16
        var emailStart: UInt32
        var subscription: UInt16
        var country: UInt16  // 0: none, else index + 1
        var account: UInt8
        var profession: UInt8
    }

    private struct PackedEnrolment {
        var enrolledAt: Int64
        var withdrawnAt: Int64  // Int64.min: not withdrawn
        var batch: Int64  // 0: none
        var package: UInt16
        var source: UInt8
        var flags: UInt8  // bit 0 forced; bits 1-2 account state (0 none)
    }

    private var records: [Record] = []
    private var enrolments: [PackedEnrolment] = []
    /// Enrolment slots no record points to any more (replaced by a longer list).
    private var abandoned = 0
    private var emails: [UInt8] = []
    /// Per slot: the address hash's top 32 bits, and the record index + 1 (0 marks an empty slot),
    /// so that a probe reads a record and its address only when the hash matches.
    private var emailIndex: [(tag: UInt32, slot: UInt32)] = []
    private var emailBits = 10
    /// Record index + 1 by user id (ids are SQLite row ids: dense from 1), 0 for none; ids
    /// beyond `denseLimit` (rows given ids by hand) go to `sparseSlots`.
    private var slotByID: [UInt32] = []
    private var sparseSlots = IntTable()
    private static let denseLimit: Int64 = 1 << 26
    private var packages: [PackageID] = []
    private var packageNumbers: [PackageID: UInt16] = [:]
    private var subscriptions: [Subscription] = []
    private var subscriptionNumbers: [Subscription: UInt16] = [:]
    private var countries: [CountryCode] = []
    private var countryNumbers: [CountryCode: UInt16] = [:]

    /// The external ids (OneRoster sourcedIds) of the users who have one, by user id: a side
    /// table, so that the many users without one cost nothing.
    private var externalIDs: [Int64: String] = [:]

    /// How many users are held.
    var count: Int { records.count }

    init() {
        emailIndex = Array(repeating: (0, 0), count: 1 << emailBits)
    }

    /// Makes room for `users` users at once (rather than growing the tables as they arrive).
    func reserve(users: Int) {
        records.reserveCapacity(users)
        slotByID.reserveCapacity(users + 1)
        emails.reserveCapacity(users * 24)
        var bits = emailBits
        while 1 << bits < users * 2 { bits += 1 }
        if bits > emailBits {
            emailBits = bits
            emailIndex = Array(repeating: (0, 0), count: 1 << emailBits)
            for index in records.indices { insertEmail(of: index) }
        }
    }

    private func index(ofID id: Int64) -> Int? {
        if id >= 0, id < Self.denseLimit {
            guard id < Int64(slotByID.count), slotByID[Int(id)] != 0 else { return nil }
            return Int(slotByID[Int(id)]) - 1
        }
        return sparseSlots[id].map { Int($0) }
    }

    private func setIndex(_ index: Int, ofID id: Int64) {
        if id >= 0, id < Self.denseLimit {
            if Int64(slotByID.count) <= id { slotByID += Array(repeating: 0, count: Int(id) - slotByID.count + 1) }
            slotByID[Int(id)] = UInt32(index + 1)
        } else {
            _ = sparseSlots.insertIfAbsent(id, Int64(index))
        }
    }

    /// A user found by reference.
    struct Slot {
        fileprivate let index: Int
        /// Whether the reference was the user's normalised address itself (it can then stand for it).
        var isAddress = false
    }

    // MARK: Lookups

    /// The user a caller names: a numeric id, or an email address (normalised first unless it is
    /// plain lowercase ASCII already).
    func slot(reference: String) -> Slot? {
        var text = reference
        if let found = text.withUTF8({ bytes -> Slot? in
            guard !bytes.isEmpty else { return nil }
            if bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                guard bytes.count <= 18 else { return nil }
                var id: Int64 = 0
                for byte in bytes { id = id * 10 + Int64(byte - UInt8(ascii: "0")) }
                return index(ofID: id).map { Slot(index: $0) }
            }
            guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return nil }
            guard var slot = find(UnsafeRawBufferPointer(bytes)) else { return nil }
            slot.isAddress = true
            return slot
        }) {
            return found
        }
        let trimmed = reference.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if trimmed != reference { return slot(reference: trimmed) }
        if trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return nil }
        var normal = EmailAddress.normalize(reference)
        return normal.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    func slot(id: UserID) -> Slot? {
        index(ofID: id.rawValue).map { Slot(index: $0) }
    }

    func id(_ slot: Slot) -> UserID { UserID(records[slot.index].id) }
    func version(_ slot: Slot) -> Int64 { records[slot.index].version }

    func email(_ slot: Slot) -> EmailAddress {
        let record = records[slot.index]
        let start = Int(record.emailStart)
        return EmailAddress(
            storedNormalized: String(decoding: emails[start..<(start + Int(record.emailLength))], as: UTF8.self))
    }

    /// The user's facts, built from the flat arrays (one allocation when the user has enrolments).
    func facts(_ slot: Slot) -> Facts {
        let record = records[slot.index]
        let id = UserID(record.id)
        var list: [Enrolment] = []
        if record.enrolmentCount > 0 {
            list.reserveCapacity(Int(record.enrolmentCount))
            let start = Int(record.enrolmentStart)
            for packed in enrolments[start..<(start + Int(record.enrolmentCount))] {
                list.append(
                    Enrolment(
                        user: id, package: packages[Int(packed.package)], enrolledAt: Instant(millisecondsSinceEpoch: packed.enrolledAt),
                        source: ResidentFacts.sources[Int(packed.source)], forced: packed.flags & 1 == 1,
                        withdrawnAt: packed.withdrawnAt == .min ? nil : Instant(millisecondsSinceEpoch: packed.withdrawnAt),
                        accountState: packed.flags >> 1 == 0 ? nil : AccountState.allCases[Int(packed.flags >> 1) - 1],
                        batch: packed.batch == 0 ? nil : packed.batch))
            }
        }
        return Facts(
            account: AccountState.allCases[Int(record.account)], profession: Profession.allCases[Int(record.profession)],
            country: record.country == 0 ? nil : countries[Int(record.country) - 1], subscription: subscriptions[Int(record.subscription)],
            enrolments: list)
    }

    private static let sources = EnrolmentSource.allCases

    // MARK: Groups

    /// What rules read of one enrolment: its package and the instants it counts between.
    private struct EnrolmentKey: Hashable, Comparable {
        var package: UInt16
        var enrolledAt: Int64
        var withdrawnAt: Int64

        static func < (a: EnrolmentKey, b: EnrolmentKey) -> Bool {
            (a.package, a.enrolledAt, a.withdrawnAt) < (b.package, b.enrolledAt, b.withdrawnAt)
        }
    }

    /// What rules read of a user, and nothing else: two users with equal keys get equal answers.
    private struct GroupKey: Hashable {
        var attributes: UInt64
        var enrolments: [EnrolmentKey]
    }

    /// The users held, grouped by their facts as rules read them (attributes, and each
    /// enrolment's package and instants; not who made it or how): `representatives[g]` is the
    /// first user of group `g`, `groupOfUser[i]` the group of the `i`th user held, and
    /// `sizes[g]` how many users are in group `g`.
    func factGroups() -> (representatives: [Slot], groupOfUser: [Int32], sizes: [Int]) {
        var groups: [GroupKey: Int32] = [:]
        var representatives: [Slot] = []
        var sizes: [Int] = []
        var groupOfUser: [Int32] = []
        groupOfUser.reserveCapacity(records.count)
        for index in records.indices {
            let record = records[index]
            let attributes =
                UInt64(record.account) | UInt64(record.profession) << 8 | UInt64(record.subscription) << 16 | UInt64(record.country) << 32
            var list: [EnrolmentKey] = []
            if record.enrolmentCount > 0 {
                let start = Int(record.enrolmentStart)
                list.reserveCapacity(Int(record.enrolmentCount))
                for packed in enrolments[start..<(start + Int(record.enrolmentCount))] {
                    list.append(EnrolmentKey(package: packed.package, enrolledAt: packed.enrolledAt, withdrawnAt: packed.withdrawnAt))
                }
                if list.count > 1 { list.sort() }
            }
            let key = GroupKey(attributes: attributes, enrolments: list)
            if let group = groups[key] {
                groupOfUser.append(group)
                sizes[Int(group)] += 1
            } else {
                let group = Int32(representatives.count)
                groups[key] = group
                representatives.append(Slot(index: index))
                sizes.append(1)
                groupOfUser.append(group)
            }
        }
        return (representatives, groupOfUser, sizes)
    }

    /// The user's external id; nil when they have none.
    func externalID(_ slot: Slot) -> String? {
        externalIDs.isEmpty ? nil : externalIDs[records[slot.index].id]
    }

    /// Records user `user`'s external id from their latest state row (nil removes it).
    func setExternalID(_ externalID: String?, of user: UserID) {
        if let externalID {
            externalIDs[user.rawValue] = externalID
        } else if !externalIDs.isEmpty {
            externalIDs[user.rawValue] = nil
        }
    }

    /// The `index`th user held (in the order they were first read), for walking every user.
    func slot(atIndex index: Int) -> Slot { Slot(index: index) }

    // MARK: Changes

    /// Takes in one state row: a new user, or a newer version of a known one.
    /// Returns whether it was taken (false: a version not newer than the one held).
    @discardableResult
    func apply(user: UserID, version: Int64, email: EmailAddress, facts: Facts) -> Bool {
        let packed = facts.enrolments.map(pack)
        if let index = index(ofID: user.rawValue) {
            guard version > records[index].version else { return false }
            var record = records[index]
            record.version = version
            fill(&record, with: facts)
            if packed.count <= Int(record.enrolmentCount) {
                let start = Int(record.enrolmentStart)
                enrolments.replaceSubrange(start..<(start + packed.count), with: packed)
                abandoned += Int(record.enrolmentCount) - packed.count
            } else {
                abandoned += Int(record.enrolmentCount)
                record.enrolmentStart = UInt32(enrolments.count)
                enrolments += packed
            }
            record.enrolmentCount = UInt16(clamping: packed.count)
            records[index] = record
            if abandoned > enrolments.count / 2 + 1024 { compactEnrolments() }
            return true
        }
        var address = email.normalized
        let (start, length) = address.withUTF8 { bytes -> (Int, Int) in
            let start = emails.count
            emails.append(contentsOf: bytes)
            return (start, bytes.count)
        }
        var record = Record(
            id: user.rawValue, version: version, enrolmentStart: UInt32(enrolments.count), enrolmentCount: UInt16(clamping: packed.count),
            emailLength: UInt16(clamping: length), emailStart: UInt32(start), subscription: 0, country: 0, account: 0, profession: 0)
        fill(&record, with: facts)
        enrolments += packed
        records.append(record)
        setIndex(records.count - 1, ofID: user.rawValue)
        if records.count * 2 > emailIndex.count { growEmailIndex() } else { insertEmail(of: records.count - 1) }
        return true
    }

    private func fill(_ record: inout Record, with facts: Facts) {
        record.account = UInt8(AccountState.allCases.firstIndex(of: facts.account) ?? 0)
        record.profession = UInt8(Profession.allCases.firstIndex(of: facts.profession) ?? 0)
        record.subscription = number(of: facts.subscription)
        record.country = facts.country.map { number(of: $0) + 1 } ?? 0
    }

    private func pack(_ enrolment: Enrolment) -> PackedEnrolment {
        let account = enrolment.accountState.map { UInt8(AccountState.allCases.firstIndex(of: $0) ?? 0) + 1 } ?? 0
        return PackedEnrolment(
            enrolledAt: enrolment.enrolledAt.millisecondsSinceEpoch, withdrawnAt: enrolment.withdrawnAt?.millisecondsSinceEpoch ?? .min,
            batch: enrolment.batch ?? 0, package: number(of: enrolment.package),
            source: UInt8(ResidentFacts.sources.firstIndex(of: enrolment.source) ?? 0), flags: (enrolment.forced ? 1 : 0) | account << 1)
    }

    private func number(of package: PackageID) -> UInt16 {
        if let number = packageNumbers[package] { return number }
        packages.append(package)
        packageNumbers[package] = UInt16(packages.count - 1)
        return UInt16(packages.count - 1)
    }

    private func number(of subscription: Subscription) -> UInt16 {
        if let number = subscriptionNumbers[subscription] { return number }
        subscriptions.append(subscription)
        subscriptionNumbers[subscription] = UInt16(subscriptions.count - 1)
        return UInt16(subscriptions.count - 1)
    }

    private func number(of country: CountryCode) -> UInt16 {
        if let number = countryNumbers[country] { return number }
        countries.append(country)
        countryNumbers[country] = UInt16(countries.count - 1)
        return UInt16(countries.count - 1)
    }

    /// Drops enrolment slots no record uses (after many changes of users with enrolments).
    private func compactEnrolments() {
        var compacted: [PackedEnrolment] = []
        compacted.reserveCapacity(enrolments.count - abandoned)
        for index in records.indices {
            let start = Int(records[index].enrolmentStart)
            records[index].enrolmentStart = UInt32(compacted.count)
            compacted += enrolments[start..<(start + Int(records[index].enrolmentCount))]
        }
        enrolments = compacted
        abandoned = 0
    }

    // MARK: The address index

    /// FNV-1a over the address bytes, then mixed so that the top bits (the slot) and the tag
    /// depend on every byte.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return (hash ^ (hash >> 32)) &* 0x9E37_79B9_7F4A_7C15
    }

    private func find(_ bytes: UnsafeRawBufferPointer) -> Slot? {
        let hash = Self.hash(bytes)
        let tag = UInt32(truncatingIfNeeded: hash)
        let mask = emailIndex.count - 1
        var position = Int(hash >> UInt64(64 - emailBits))
        while emailIndex[position].slot != 0 {
            let entry = emailIndex[position]
            if entry.tag == tag, matches(Int(entry.slot) - 1, bytes) { return Slot(index: Int(entry.slot) - 1) }
            position = (position + 1) & mask
        }
        return nil
    }

    private func matches(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let record = records[index]
        guard Int(record.emailLength) == bytes.count else { return false }
        return emails.withUnsafeBytes { arena in
            memcmp(arena.baseAddress! + Int(record.emailStart), bytes.baseAddress!, bytes.count) == 0
        }
    }

    private func insertEmail(of index: Int) {
        let record = records[index]
        let hash = emails.withUnsafeBytes { arena in
            Self.hash(UnsafeRawBufferPointer(rebasing: arena[Int(record.emailStart)..<(Int(record.emailStart) + Int(record.emailLength))]))
        }
        let mask = emailIndex.count - 1
        var position = Int(hash >> UInt64(64 - emailBits))
        while emailIndex[position].slot != 0 { position = (position + 1) & mask }
        emailIndex[position] = (UInt32(truncatingIfNeeded: hash), UInt32(index + 1))
    }

    private func growEmailIndex() {
        emailBits += 1
        emailIndex = Array(repeating: (0, 0), count: 1 << emailBits)
        for index in records.indices { insertEmail(of: index) }
    }

    /// Bytes held per user (records, enrolments, addresses and indexes), for the benchmarks.
    var bytesPerUser: Double {
        guard !records.isEmpty else { return 0 }
        let total =
            records.capacity * MemoryLayout<Record>.stride + enrolments.capacity * MemoryLayout<PackedEnrolment>.stride
            + emails.capacity + emailIndex.count * 8 + slotByID.capacity * 4
        return Double(total) / Double(records.count)
    }
}
