/// One user as a registration file gives it: the raw text of each column, not yet validated.
///
/// `nil` (and, after trimming, the empty string) means the column was not given. This is what
/// the CSV and JSON Lines readers produce (and what the service's array of users becomes).
public struct RegistrationRow: Sendable, Hashable {
    /// Where the row was: the 1-based line of a file, or the 1-based position in an array.
    public var line: Int
    public var email: String?
    public var name: String?
    public var profession: String?
    public var country: String?
    public var account: String?
    public var subscription: String?
    public var registeredAt: String?
    public var externalID: String?

    public init(
        line: Int, email: String? = nil, name: String? = nil, profession: String? = nil, country: String? = nil,
        account: String? = nil, subscription: String? = nil, registeredAt: String? = nil, externalID: String? = nil
    ) {
        self.line = line
        self.email = email
        self.name = name
        self.profession = profession
        self.country = country
        self.account = account
        self.subscription = subscription
        self.registeredAt = registeredAt
        self.externalID = externalID
    }

    /// The raw text of `column`.
    public subscript(column: RegistrationColumn) -> String? {
        get {
            switch column {
            case .email: email
            case .name: name
            case .profession: profession
            case .country: country
            case .account: account
            case .subscription: subscription
            case .registeredAt: registeredAt
            case .externalID: externalID
            }
        }
        set {
            switch column {
            case .email: email = newValue
            case .name: name = newValue
            case .profession: profession = newValue
            case .country: country = newValue
            case .account: account = newValue
            case .subscription: subscription = newValue
            case .registeredAt: registeredAt = newValue
            case .externalID: externalID = newValue
            }
        }
    }
}
