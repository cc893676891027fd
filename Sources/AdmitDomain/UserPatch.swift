/// Attribute values for the user with a given email address; `nil` means "not given, leave as it is".
///
/// Bulk registration builds one per row: a new user is created from it when every attribute a
/// user needs is given (`name` and `profession`; the rest have defaults), and an existing user
/// gets only the given attributes changed.
public struct UserPatch: Sendable, Hashable {
    /// Who the row is about: the key that finds an existing user.
    public var email: EmailAddress
    /// The name, when given.
    public var name: String?
    /// The profession, when given.
    public var profession: Profession?
    /// The country, when given.
    public var country: CountryCode?
    /// The account state, when given.
    public var account: AccountState?
    /// The subscription, when given.
    public var subscription: Subscription?
    /// The registration instant, when given.
    public var registeredAt: Instant?
    /// The external id, when given.
    public var externalID: String?
    /// The role in the system the user came from (a OneRoster role), when given.
    public var externalRole: String?
    /// The profession a new user gets when `profession` is not given (a roster that has no
    /// professions); an existing user's profession is left as it is.
    public var defaultProfession: Profession?

    /// A patch for the user with address `email`.
    public init(
        email: EmailAddress, name: String? = nil, profession: Profession? = nil, country: CountryCode? = nil,
        account: AccountState? = nil, subscription: Subscription? = nil, registeredAt: Instant? = nil, externalID: String? = nil
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

    /// The user to create from the patch: nil unless `name` and `profession` (or `defaultProfession`) are given. A new
    /// user is `active`, has no subscription and is registered at `registeredAt` unless the patch
    /// says otherwise.
    public func newUser(registeredAt defaultInstant: Instant) -> NewUser? {
        guard let name, let profession = profession ?? defaultProfession else { return nil }
        return NewUser(
            email: email, name: name, profession: profession, country: country, account: account ?? .active,
            subscription: subscription ?? .none, registeredAt: registeredAt ?? defaultInstant, externalID: externalID,
            externalRole: externalRole)
    }

    /// Whether a new user can be created from the patch: `name` and `profession` (or `defaultProfession`) are given.
    public var isCompleteForNewUser: Bool { name != nil && (profession ?? defaultProfession) != nil }

    /// The attributes a new user needs that the patch does not give, by column name; empty when
    /// a user can be created from it.
    public var missingForNewUser: [String] {
        var missing: [String] = []
        if name == nil { missing.append("name") }
        if profession == nil, defaultProfession == nil { missing.append("profession") }
        return missing
    }

    /// `user` with the given attributes replaced (the identifier and email address stay).
    public func applied(to user: User) -> User {
        var user = user
        if let name { user.name = name }
        if let profession { user.profession = profession }
        if let country { user.country = country }
        if let account { user.account = account }
        if let subscription { user.subscription = subscription }
        if let registeredAt { user.registeredAt = registeredAt }
        if let externalID { user.externalID = externalID }
        if let externalRole { user.externalRole = externalRole }
        return user
    }
}
