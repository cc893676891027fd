import AdmitDomain
import SQLite

extension Store {
    static let enrolmentColumns = "user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id"

    /// All of a user's enrolments as the `enrolments` table holds them, withdrawn ones included,
    /// oldest first (for reports; decisions read `userState`).
    public func enrolments(of user: UserID) throws(StoreError) -> [Enrolment] {
        try run {
            try connection.query(
                "SELECT \(Store.enrolmentColumns) FROM enrolments WHERE user_id = ? ORDER BY enrolled_at, id", user.rawValue,
                row: Store.enrolment(from:))
        }
    }

    /// Reads `enrolmentColumns`.
    static func enrolment(from row: Statement) throws -> Enrolment {
        guard let source = EnrolmentSource(rawValue: row.string(3) ?? "") else {
            throw StoreError.Cause.invalid("enrolments", "source", row.string(3))
        }
        var accountState: AccountState?
        if let text = row.string(6) {
            guard let state = AccountState(rawValue: text) else { throw StoreError.Cause.invalid("enrolments", "account_state", text) }
            accountState = state
        }
        return Enrolment(
            user: UserID(row.int64(0)), package: PackageID(row.string(1) ?? ""),
            enrolledAt: Instant(millisecondsSinceEpoch: row.int64(2)), source: source, forced: row.bool(4),
            withdrawnAt: row.isNull(5) ? nil : Instant(millisecondsSinceEpoch: row.int64(5)), accountState: accountState,
            batch: row.isNull(7) ? nil : row.int64(7))
    }
}

/// A user's enrolments as a state row's `enrolments` blob holds them.
///
/// A *number* is an unsigned LEB128 varint; an instant is its milliseconds, zigzag-encoded. The
/// blob is the number of enrolments, then for each: the package id's length and UTF-8 bytes, the
/// enrolment instant, the withdrawal instant + 1 (0: not withdrawn), the source (0 self, 1 bulk,
/// 2 admin), a byte of flags (bit 0: forced; bits 1–2: the account state recorded with it, 0
/// none, 1 active, 2 suspended, 3 closed), and the import batch (0: none). One enrolment in
/// `idor-2020` made by a bulk import is 22 bytes.
package enum EnrolmentList {
    package static func encode(_ enrolments: [Enrolment]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + 24 * enrolments.count)
        number(UInt64(enrolments.count), into: &bytes)
        for enrolment in enrolments {
            var package = enrolment.package.rawValue
            package.withUTF8 { utf8 in
                number(UInt64(utf8.count), into: &bytes)
                bytes.append(contentsOf: utf8)
            }
            number(zigzag(enrolment.enrolledAt.millisecondsSinceEpoch), into: &bytes)
            number(enrolment.withdrawnAt.map { zigzag($0.millisecondsSinceEpoch) &+ 1 } ?? 0, into: &bytes)
            bytes.append(sourceNumber(enrolment.source))
            bytes.append((enrolment.forced ? 1 : 0) | accountNumber(enrolment.accountState) << 1)
            number(enrolment.batch.map { UInt64(bitPattern: $0) } ?? 0, into: &bytes)
        }
        return bytes
    }

    /// The enrolments of `user` in `bytes`; nil when the bytes are not such a list.
    package static func decode(_ bytes: [UInt8], user: UserID) -> [Enrolment]? {
        bytes.withUnsafeBufferPointer { decode(UnsafeRawBufferPointer($0), user: user) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, user: UserID) -> [Enrolment]? {
        var reader = Reader(bytes: bytes)
        guard let count = reader.number(), count <= UInt64(bytes.count) else { return nil }
        var list: [Enrolment] = []
        list.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let package = reader.text(), let enrolled = reader.number(), let withdrawn = reader.number(),
                let sourceByte = reader.byte(), let source = source(sourceByte), let flags = reader.byte(), flags < 8,
                let batch = reader.number()
            else { return nil }
            list.append(
                Enrolment(
                    user: user, package: PackageID(package), enrolledAt: Instant(millisecondsSinceEpoch: unzigzag(enrolled)),
                    source: source, forced: flags & 1 == 1,
                    withdrawnAt: withdrawn == 0 ? nil : Instant(millisecondsSinceEpoch: unzigzag(withdrawn &- 1)),
                    accountState: account(flags >> 1), batch: batch == 0 ? nil : Int64(bitPattern: batch)))
        }
        return reader.isAtEnd ? list : nil
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func number() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        mutating func text() -> String? {
            guard let count = number(), count <= UInt64(bytes.count - position) else { return nil }
            let start = position
            position += Int(count)
            return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }
    }

    static func number(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    static func sourceNumber(_ source: EnrolmentSource) -> UInt8 {
        switch source {
        case .self: return 0
        case .bulk: return 1
        case .admin: return 2
        }
    }

    static func source(_ number: UInt8) -> EnrolmentSource? {
        switch number {
        case 0: return .self
        case 1: return .bulk
        case 2: return .admin
        default: return nil
        }
    }

    static func accountNumber(_ state: AccountState?) -> UInt8 {
        switch state {
        case nil: return 0
        case .active: return 1
        case .suspended: return 2
        case .closed: return 3
        }
    }

    static func account(_ number: UInt8) -> AccountState? {
        switch number {
        case 1: return .active
        case 2: return .suspended
        case 3: return .closed
        default: return nil
        }
    }
}

extension Store {
    /// Calls `body` with every enrolment in `package`, withdrawn ones included, and its user, in
    /// user order (each user's enrolments oldest first), in one read transaction (for exports).
    public func forEachEnrolment(in package: PackageID, _ body: (User, Enrolment) throws -> Void) throws(StoreError) {
        try read {
            let enrolments = try connection.prepare(
                "SELECT \(Store.enrolmentColumns) FROM enrolments WHERE package_id = ? ORDER BY user_id, enrolled_at, id")
            let users = try connection.prepare("SELECT \(Store.userColumns) FROM users WHERE id = ?")
            try enrolments.bindAll(package.rawValue)
            var user: User?
            while try enrolments.step() {
                let enrolment = try Store.enrolment(from: enrolments)
                if user?.id != enrolment.user {
                    try users.bindAll(enrolment.user.rawValue)
                    guard try users.step() else {
                        throw StoreError.Cause.invalidValue(table: "enrolments", column: "user_id", value: "\(enrolment.user)")
                    }
                    user = try Store.user(from: users)
                    users.reset()
                }
                if let user { try body(user, enrolment) }
            }
        }
    }
}
