import AdmitJSON

/// One item a registration source yields: a row to apply, or a record that could not be read
/// as one, with what a rejects file should copy of it.
struct RegistrationInput {
    enum Content {
        case row(RegistrationRow)
        case malformed(RegistrationReject)
        /// A OneRoster user: a row keyed by the user's sourcedId.
        case rosterUser(RosterUser)
        /// A OneRoster enrolment.
        case rosterEnrolment(RosterEnrolment)
    }

    /// The record as the input had it, for the rejects file.
    enum Original {
        /// A well-formed CSV record's fields.
        case fields([String])
        /// A record's bytes exactly as read (malformed CSV, or a JSON line that is not an object).
        case bytes([UInt8])
        /// A JSON line's object.
        case object(JSONObject)
        /// Nothing to copy (values given by a program).
        case none
    }

    var content: Content
    var original: Original
}

/// Where registration rows come from: a CSV or JSON Lines reader, or an array.
protocol RegistrationSource {
    /// The next row or malformed record; nil after the last.
    mutating func next() throws(AdmitError) -> RegistrationInput?
}
