/// A user to create: everything but the identifier, which the store assigns.
public struct NewUser: Sendable, Hashable {
    /// The address (normalised).
    public var email: EmailAddress
    /// The name to show.
    public var name: String
    /// What the user does.
    public var profession: Profession
    /// The country, when known.
    public var country: CountryCode?
    /// Whether the account may be used.
    public var account: AccountState
    /// `none`, or a paid plan.
    public var subscription: Subscription
    /// When the user registered.
    public var registeredAt: Instant
    /// The identifier in the system the user came from, if any.
    public var externalID: String?
    /// The role in the system the user came from (a OneRoster role), if any.
    public var externalRole: String?

    /// A user to create with these attributes.
    public init(
        email: EmailAddress, name: String, profession: Profession, country: CountryCode?, account: AccountState,
        subscription: Subscription, registeredAt: Instant, externalID: String? = nil, externalRole: String? = nil
    ) {
        self.email = email
        self.name = name
        self.profession = profession
        self.country = country
        self.account = account
        self.subscription = subscription
        self.registeredAt = registeredAt
        self.externalID = externalID
        self.externalRole = externalRole
    }

    /// The user once the store has given it `id`.
    public func withID(_ id: UserID) -> User {
        User(
            id: id, email: email, name: name, profession: profession, country: country, account: account, subscription: subscription,
            registeredAt: registeredAt, externalID: externalID, externalRole: externalRole)
    }
}
