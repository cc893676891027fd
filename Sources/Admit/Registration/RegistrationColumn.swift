/// A column of a registration file, and the key of the same field in JSON Lines.
///
/// Header names are matched after trimming and ASCII lowercasing, so `Email` and ` email `
/// name the same column. Only `email` is required in the header; a row gives a value for a
/// column by a non-empty cell (an empty cell, a missing JSON key and `null` all mean "not given").
public enum RegistrationColumn: String, CaseIterable, Sendable, Hashable {
    /// The key: trimmed, Unicode NFC and case-folded, then checked for shape.
    case email
    /// Required for a new user; stored trimmed, in NFC, otherwise verbatim.
    case name
    /// `radiologist`, `radiographer` or `other` (any ASCII case); required for a new user.
    case profession
    /// An ISO 3166-1 alpha-2 code (any ASCII case); a new user without one has no country.
    case country
    /// `active`, `suspended` or `closed` (any ASCII case); a new user is `active` unless given.
    case account
    /// `none` or a plan name such as `premium`; a new user has `none` unless given.
    case subscription
    /// An RFC 3339 instant with an offset; a new user is registered at the start of the import unless given.
    case registeredAt = "registered_at"
    /// The user's identifier in the system the file comes from; unique across users.
    case externalID = "external_id"

    /// The name of the column that a rejects file adds; an input column of this name is ignored,
    /// so that a fixed rejects file can be imported as it is.
    public static let errorColumn = "error"
}
