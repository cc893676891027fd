import AdmitDomain
import SQLite

/// A user to create: everything but the identifier, which the store assigns.
public struct NewUser: Sendable, Hashable {
    public var email: EmailAddress
    public var name: String
    public var profession: Profession
    public var country: CountryCode?
    public var account: AccountState
    public var subscription: Subscription
    public var registeredAt: Instant
    public var externalID: String?

    public init(
        email: EmailAddress, name: String, profession: Profession, country: CountryCode?, account: AccountState,
        subscription: Subscription, registeredAt: Instant, externalID: String? = nil
    ) {
        self.email = email
        self.name = name
        self.profession = profession
        self.country = country
        self.account = account
        self.subscription = subscription
        self.registeredAt = registeredAt
        self.externalID = externalID
    }
}

extension Store {
    static let userColumns = "id, email, name, profession, country, account, subscription, registered_at, external_id"

    /// The user with this identifier.
    public func user(id: UserID) throws(StoreError) -> User? {
        try run { try connection.queryFirst("SELECT \(Store.userColumns) FROM users WHERE id = ?", id.rawValue, row: Store.user(from:)) }
    }

    /// The user with this (normalised) email address.
    public func user(email: EmailAddress) throws(StoreError) -> User? {
        try run {
            try connection.queryFirst("SELECT \(Store.userColumns) FROM users WHERE email = ?", email.normalized, row: Store.user(from:))
        }
    }

    /// Creates a user and returns it with its new identifier. Call inside `write`.
    ///
    /// Fails with a `.duplicate` error when the email address (or external id) is already taken.
    public func insert(_ user: NewUser, at now: Instant) throws(StoreError) -> User {
        try run {
            try connection.run(
                """
                INSERT INTO users(email, name, profession, country, account, subscription, registered_at, external_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                user.email.normalized, user.name, user.profession.rawValue, user.country?.rawValue, user.account.rawValue,
                user.subscription.rawValue, user.registeredAt.millisecondsSinceEpoch, user.externalID, now.millisecondsSinceEpoch)
            return User(
                id: UserID(connection.lastInsertRowID), email: user.email, name: user.name, profession: user.profession,
                country: user.country, account: user.account, subscription: user.subscription, registeredAt: user.registeredAt,
                externalID: user.externalID)
        }
    }

    /// How many users there are.
    public func userCount() throws(StoreError) -> Int {
        try run { try connection.queryFirst("SELECT count(*) FROM users") { $0.int(0) } ?? 0 }
    }

    static func user(from row: Statement) throws -> User {
        let email: EmailAddress
        do { email = try EmailAddress(row.string(1) ?? "") } catch { throw StoreError.corrupt("users", "email", row.string(1)) }
        guard let profession = Profession(rawValue: row.string(3) ?? "") else {
            throw StoreError.corrupt("users", "profession", row.string(3))
        }
        guard let account = AccountState(rawValue: row.string(5) ?? "") else { throw StoreError.corrupt("users", "account", row.string(5)) }
        guard let subscription = Subscription(row.string(6) ?? "") else { throw StoreError.corrupt("users", "subscription", row.string(6)) }
        let country = row.string(4).flatMap(CountryCode.init)
        return User(
            id: UserID(row.int64(0)), email: email, name: row.string(2) ?? "", profession: profession, country: country,
            account: account, subscription: subscription, registeredAt: Instant(millisecondsSinceEpoch: row.int64(7)),
            externalID: row.string(8))
    }
}

extension StoreError {
    /// A value in the file that this build cannot read (edited by hand, or damaged).
    static func corrupt(_ table: String, _ column: String, _ value: String?) -> StoreError {
        StoreError(kind: .other, path: "", message: "\(table).\(column) holds an invalid value '\(value ?? "NULL")'")
    }
}
