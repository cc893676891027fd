import AdmitDomain
import AdmitStore

extension RegistrationRow {
    /// The longest name, external id or other text value accepted, in UTF-8 bytes.
    static let maximumValueBytes = 1024

    /// The row's email address, normalised and checked; throws the reject saying what is wrong with it.
    func validatedEmail() throws(RegistrationReject) -> EmailAddress {
        guard let text = email, !text.trimmingWhitespace().isEmpty else {
            throw reject(.email, .missingValue, "the email address is missing; every row needs one")
        }
        guard text.utf8.count <= Self.maximumValueBytes else {
            throw reject(.email, .invalidValue, "the email address is longer than 254 bytes")
        }
        do {
            return try EmailAddress(text)
        } catch {
            throw reject(.email, .invalidValue, error.description)
        }
    }

    /// The row's other values, validated and normalised, as a patch for the user `email` names;
    /// throws the reject for the first value that is wrong.
    func patch(email: EmailAddress) throws(RegistrationReject) -> UserPatch {
        var patch = UserPatch(email: email)
        if let name = given(self.name) {
            guard name.utf8.count <= Self.maximumValueBytes else {
                throw reject(.name, .invalidValue, "the name is longer than \(Self.maximumValueBytes) bytes")
            }
            patch.name = name.precomposedNFC()
        }
        if let text = given(profession) {
            guard let value = Profession(rawValue: text.lowercasedASCII()) else {
                throw reject(.profession, .invalidValue, "'\(Self.shown(text))' is not a profession (radiologist, radiographer or other)")
            }
            patch.profession = value
        }
        if let text = given(country) {
            guard let value = CountryCode(text) else {
                throw reject(.country, .invalidValue, "'\(Self.shown(text))' is not an assigned ISO 3166-1 alpha-2 country code")
            }
            patch.country = value
        }
        if let text = given(account) {
            guard let value = AccountState(rawValue: text.lowercasedASCII()) else {
                throw reject(.account, .invalidValue, "'\(Self.shown(text))' is not an account state (active, suspended or closed)")
            }
            patch.account = value
        }
        if let text = given(subscription) {
            guard let value = Subscription(text.lowercasedASCII()) else {
                throw reject(
                    .subscription, .invalidValue,
                    "'\(Self.shown(text))' is not a subscription (none, or a plan name of lowercase letters, digits and '-')")
            }
            patch.subscription = value
        }
        if let text = given(registeredAt) {
            do {
                patch.registeredAt = try Instant(parsing: text)
            } catch {
                throw reject(.registeredAt, .invalidValue, error.description)
            }
        }
        if let text = given(externalID) {
            guard text.utf8.count <= Self.maximumValueBytes else {
                throw reject(.externalID, .invalidValue, "the external id is longer than \(Self.maximumValueBytes) bytes")
            }
            patch.externalID = text.precomposedNFC()
        }
        return patch
    }

    /// The trimmed text, or nil when absent or empty.
    private func given(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    private func reject(_ column: RegistrationColumn, _ rejectClass: RejectClass, _ message: String) -> RegistrationReject {
        RegistrationReject(line: line, column: column.rawValue, rejectClass: rejectClass, message: message)
    }

    /// `text` for a message: whole when short, else its first 60 characters and an ellipsis.
    static func shown(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(60)) + "…"
    }
}
