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

    /// The user once the store has given it `id`.
    public func withID(_ id: UserID) -> User {
        User(
            id: id, email: email, name: name, profession: profession, country: country, account: account, subscription: subscription,
            registeredAt: registeredAt, externalID: externalID)
    }
}
