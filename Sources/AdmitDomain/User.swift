/// A user of the e-learning platform (ESR Connect: radiologists, radiographers, other health professionals).
public struct User: Sendable, Hashable, Codable {
    /// The identifier the store assigned.
    public var id: UserID
    /// Unique across users after normalisation.
    public var email: EmailAddress
    /// The name to show.
    public var name: String
    /// What the user does.
    public var profession: Profession
    /// Unknown for some imported users; a rule that reads it then fails (and so never grants).
    public var country: CountryCode?
    /// Whether the account may be used.
    public var account: AccountState
    /// `none`, or a paid plan.
    public var subscription: Subscription
    /// When the user registered.
    public var registeredAt: Instant
    /// The user's identifier in the system they were imported from, if any; unique when present.
    public var externalID: String?
    /// The user's role in the system they were imported from (a OneRoster role such as
    /// `student` or `teacher`), if it said one. Admit's rules do not read it.
    public var externalRole: String?

    /// A user with these attributes.
    public init(
        id: UserID, email: EmailAddress, name: String, profession: Profession, country: CountryCode?,
        account: AccountState, subscription: Subscription, registeredAt: Instant, externalID: String? = nil,
        externalRole: String? = nil
    ) {
        self.id = id
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
}

/// Who an answer is about: the user's identifier and address, without the rest of the user.
public struct UserReference: Sendable, Hashable {
    /// The user's identifier.
    public var id: UserID
    /// The user's normalised address.
    public var email: EmailAddress
    /// The user's identifier in the system they were imported from (a OneRoster `sourcedId`),
    /// when known where the reference was made; nil otherwise.
    public var externalID: String?

    /// The reference to user `id` with address `email` (and `externalID`, when known).
    public init(id: UserID, email: EmailAddress, externalID: String? = nil) {
        self.id = id
        self.email = email
        self.externalID = externalID
    }
}

extension User {
    /// The user's identifier, address and external id.
    public var reference: UserReference { UserReference(id: id, email: email, externalID: externalID) }
}
