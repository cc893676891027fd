import AdmitDomain
import SQLite

extension Store {
    static let userColumns = "id, email, name, profession, country, account, subscription, registered_at, external_id, external_role"
    /// The columns of `users` before migration 5 (what migration 4's step reads).
    static let userColumnsVersion4 = "id, email, name, profession, country, account, subscription, registered_at, external_id"

    /// The user with this identifier, as the `users` table holds it (for reports; decisions read `userState`).
    public func user(id: UserID) throws(StoreError) -> User? {
        try run { try connection.queryFirst("SELECT \(Store.userColumns) FROM users WHERE id = ?", id.rawValue, row: Store.user(from:)) }
    }

    /// The user with this (normalised) email address, as the `users` table holds it.
    public func user(email: EmailAddress) throws(StoreError) -> User? {
        try run {
            try connection.queryFirst("SELECT \(Store.userColumns) FROM users WHERE email = ?", email.normalized, row: Store.user(from:))
        }
    }

    /// How many users there are.
    public func userCount() throws(StoreError) -> Int {
        try run { try connection.queryFirst("SELECT count(*) FROM users") { $0.int(0) } ?? 0 }
    }

    static func user(from row: Statement) throws -> User {
        let email: EmailAddress
        do { email = try EmailAddress(row.string(1) ?? "") } catch { throw StoreError.Cause.invalid("users", "email", row.string(1)) }
        guard let profession = Profession(rawValue: row.string(3) ?? "") else {
            throw StoreError.Cause.invalid("users", "profession", row.string(3))
        }
        guard let account = AccountState(rawValue: row.string(5) ?? "") else {
            throw StoreError.Cause.invalid("users", "account", row.string(5))
        }
        guard let subscription = Subscription(row.string(6) ?? "") else {
            throw StoreError.Cause.invalid("users", "subscription", row.string(6))
        }
        let country = row.string(4).flatMap(CountryCode.init)
        return User(
            id: UserID(row.int64(0)), email: email, name: row.string(2) ?? "", profession: profession, country: country,
            account: account, subscription: subscription, registeredAt: Instant(millisecondsSinceEpoch: row.int64(7)),
            externalID: row.string(8), externalRole: row.columnCount > 9 ? row.string(9) : nil)
    }
}

extension StoreError.Cause {
    /// `table.column` holds `value`, which this build cannot read; `Store.run` adds the path.
    static func invalid(_ table: String, _ column: String, _ value: String?) -> Self {
        .invalidValue(table: table, column: column, value: value)
    }
}

extension Store {
    /// Every user's id, in order.
    public func userIDs() throws(StoreError) -> [UserID] {
        try read { try connection.query("SELECT id FROM users ORDER BY id") { UserID($0.int64(0)) } }
    }
}
