import AdmitDomain

/// The user attributes a condition may read, and the values each may take.
enum Schema {
    /// A user attribute known to the policy language.
    enum Attribute: String, CaseIterable {
        case account, profession, country, subscription
    }

    static let attributeNames = Attribute.allCases.map(\.rawValue)

    /// Checks `value` for `attribute`; returns the expected values in words when it is not allowed.
    static func problem(with value: String, for attribute: Attribute) -> String? {
        switch attribute {
        case .account:
            return AccountState(rawValue: value) == nil ? oneOf(AccountState.allCases.map(\.rawValue)) : nil
        case .profession:
            return Profession(rawValue: value) == nil ? oneOf(Profession.allCases.map(\.rawValue)) : nil
        case .country:
            return value.utf8.count == 2 && CountryCode(value)?.rawValue == value
                ? nil : "an assigned ISO 3166-1 alpha-2 code in capitals such as \"AT\""
        case .subscription:
            return Subscription(value) == nil
                ? "\"none\" or a plan name of lowercase letters, digits and '-' such as \"premium\"" : nil
        }
    }

    private static func oneOf(_ values: [String]) -> String {
        "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
