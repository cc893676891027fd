import AdmitDomain
import SQLite

/// What happened when an enrolment was asked for.
public enum EnrolmentInsert: Sendable, Hashable {
    /// A new enrolment row was written.
    case added(Enrolment)
    /// The user already had a current enrolment in the package; nothing changed.
    case alreadyEnrolled(Enrolment)
}

extension Store {
    static let enrolmentColumns = "user_id, package_id, enrolled_at, source, forced, withdrawn_at"

    /// All of a user's enrolments, withdrawn ones included, oldest first.
    public func enrolments(of user: UserID) throws(StoreError) -> [Enrolment] {
        try run {
            try connection.query(
                "SELECT \(Store.enrolmentColumns) FROM enrolments WHERE user_id = ? ORDER BY enrolled_at, id", user.rawValue,
                row: Store.enrolment(from:))
        }
    }

    /// The user's current (not withdrawn) enrolment in `package`.
    public func currentEnrolment(of user: UserID, in package: PackageID) throws(StoreError) -> Enrolment? {
        try run {
            try connection.queryFirst(
                "SELECT \(Store.enrolmentColumns) FROM enrolments WHERE user_id = ? AND package_id = ? AND withdrawn_at IS NULL",
                user.rawValue, package.rawValue, row: Store.enrolment(from:))
        }
    }

    /// Records an enrolment unless the user already has a current one in the package. Call inside `write`.
    ///
    /// Enrolling twice is not an error: the second call changes nothing and says so. A unique
    /// partial index makes this hold between processes too.
    ///
    /// `accountState` is the user's account state as the enrolment is recorded, kept for audits
    /// ("enrolled while the account was not active").
    public func enrol(_ enrolment: Enrolment, accountState: AccountState?, batch: Int64? = nil) throws(StoreError) -> EnrolmentInsert {
        try run {
            try connection.run(
                """
                INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, batch_id, account_state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, package_id) WHERE withdrawn_at IS NULL DO NOTHING
                """,
                enrolment.user.rawValue, enrolment.package.rawValue, enrolment.enrolledAt.millisecondsSinceEpoch,
                enrolment.source.rawValue, enrolment.forced, batch, accountState?.rawValue)
            if connection.changes == 1 { return .added(enrolment) }
            guard let existing = try currentEnrolment(of: enrolment.user, in: enrolment.package) else {
                throw StoreError(kind: .other, path: path, message: "an enrolment was neither added nor found")
            }
            return .alreadyEnrolled(existing)
        }
    }

    /// Marks the user's current enrolment in `package` withdrawn at `at`, keeping it as history.
    /// Returns the withdrawn enrolment, or nil when there was none. Call inside `write`.
    public func withdraw(user: UserID, from package: PackageID, at: Instant) throws(StoreError) -> Enrolment? {
        // Admit refuses an instant before the start; the table's CHECK refuses it here too.
        guard var current = try currentEnrolment(of: user, in: package) else { return nil }
        try run {
            try connection.run(
                "UPDATE enrolments SET withdrawn_at = ? WHERE user_id = ? AND package_id = ? AND withdrawn_at IS NULL",
                at.millisecondsSinceEpoch, user.rawValue, package.rawValue)
        }
        current.withdrawnAt = at
        return current
    }

    static func enrolment(from row: Statement) throws -> Enrolment {
        guard let source = EnrolmentSource(rawValue: row.string(3) ?? "") else {
            throw StoreError.corrupt("enrolments", "source", row.string(3))
        }
        return Enrolment(
            user: UserID(row.int64(0)), package: PackageID(row.string(1) ?? ""),
            enrolledAt: Instant(millisecondsSinceEpoch: row.int64(2)), source: source, forced: row.bool(4),
            withdrawnAt: row.isNull(5) ? nil : Instant(millisecondsSinceEpoch: row.int64(5)))
    }
}
