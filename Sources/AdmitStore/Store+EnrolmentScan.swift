import AdmitDomain
import SQLite

/// One enrolment (with its user, and whether the user opened a lecture of the package) during a
/// scan. Valid only inside the scan's callback; reads decode the columns without allocating,
/// except `row`, which copies the strings out.
public struct EnrolmentScan {
    let statement: Statement
    /// Whether the user has an allowed opening of a lecture of the package in the (caught-up) log.
    public let opened: Bool

    public var user: UserID { UserID(statement.int64(0)) }
    public var enrolledAt: Instant { Instant(millisecondsSinceEpoch: statement.int64(1)) }
    public var forced: Bool { statement.int64(3) != 0 }
    public var isWithdrawn: Bool { !statement.isNull(5) }

    public var source: EnrolmentSource? {
        statement.withBlob(2) { bytes in
            switch bytes.first {
            case UInt8(ascii: "s"): return .self
            case UInt8(ascii: "b"): return .bulk
            case UInt8(ascii: "a"): return .admin
            default: return nil
            }
        }
    }

    /// The account state recorded with the enrolment (nil when unknown).
    public var accountState: AccountState? {
        guard !statement.isNull(4) else { return nil }
        return statement.withBlob(4) { bytes in
            switch bytes.first {
            case UInt8(ascii: "a"): return .active
            case UInt8(ascii: "s"): return .suspended
            case UInt8(ascii: "c"): return .closed
            default: return nil
            }
        }
    }

    public var profession: Profession? {
        statement.withBlob(6) { bytes in
            // "other", "radiologist", "radiographer": the sixth byte tells the last two apart.
            guard let first = bytes.first else { return nil }
            if first == UInt8(ascii: "o") { return .other }
            guard bytes.count > 5 else { return nil }
            return bytes[5] == UInt8(ascii: "l") ? .radiologist : .radiographer
        }
    }

    /// The country's two ASCII letters packed as `first << 8 | second`; 0 when the user has none.
    public var countryBits: UInt16 {
        guard !statement.isNull(7) else { return 0 }
        return statement.withBlob(7) { bytes in bytes.count == 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0 }
    }

    /// Calls `body` with the UTF-8 bytes of the user's name.
    public func withName<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try statement.withBlob(8, body) }

    /// Calls `body` with the UTF-8 bytes of the user's (normalised) email address.
    public func withEmail<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try statement.withBlob(9, body) }

    /// The enrolment and its person as a report row (copies the strings).
    public var row: EnrolmentReportRow {
        EnrolmentReportRow(
            user: user, email: statement.string(9) ?? "", name: statement.string(8) ?? "", country: statement.string(7), source: source,
            enrolledAt: enrolledAt, forced: forced, accountState: accountState)
    }
}

extension Store {
    /// Visits every enrolment in `scope` once, in user order, in one read transaction.
    /// Call `refreshAuditIndexes()` first so that `opened` is up to date.
    public func scanEnrolments(_ scope: EnrolmentScope, _ body: (EnrolmentScan) throws -> Void) throws(StoreError) {
        try read {
            let statement = try connection.prepare(
                """
                SELECT e.user_id, e.enrolled_at, e.source, e.forced, e.account_state, e.withdrawn_at, u.profession, u.country, u.name, u.email
                FROM enrolments e INDEXED BY enrolments_by_user JOIN users u ON u.id = e.user_id
                WHERE e.package_id = ? AND e.enrolled_at >= ? AND e.enrolled_at < ?
                """)
            try statement.bindAll(scope.package.rawValue, scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
            // Users with openings, in the same user order: merged in step rather than looked up per row.
            let opens = try connection.prepare("SELECT user_id FROM lecture_opens WHERE package_id = ? ORDER BY user_id")
            try opens.bindAll(scope.package.rawValue)
            var openUser: Int64? = try opens.step() ? opens.int64(0) : nil
            while try statement.step() {
                let user = statement.int64(0)
                while let current = openUser, current < user { openUser = try opens.step() ? opens.int64(0) : nil }
                try body(EnrolmentScan(statement: statement, opened: openUser == user))
            }
        }
    }
}
