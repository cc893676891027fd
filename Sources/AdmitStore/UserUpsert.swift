import AdmitDomain

/// What `ImportSession.upsert` did with a row's `UserPatch`.
public enum UserUpsert: Sendable, Hashable {
    /// No user had the address: one was created (its first state).
    case created(UserState)
    /// The user existed and some given attribute differed: it was changed.
    case updated(before: UserState, after: UserState)
    /// The user existed and every given attribute already had that value: nothing was written.
    case unchanged(UserState)
    /// No user has the address, and the patch lacks attributes a new user needs (column names).
    case incomplete(missing: [String])
    /// The external id is already another user's (whose address is given when known).
    case externalIDTaken(by: EmailAddress?)
    /// An earlier row of the same import already applied this address: the line that did, when
    /// known (a user the import created is known by its id alone).
    case duplicate(firstLine: Int?)
}
