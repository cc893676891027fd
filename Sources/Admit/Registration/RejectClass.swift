/// Why a row was rejected, as a stable code for reports, rejects files and scripts.
public enum RejectClass: String, CaseIterable, Sendable, Hashable, Comparable {
    /// A CSV record with more or fewer fields than the header.
    case raggedRow = "ragged-row"
    /// A quoted CSV field still open at the end of the file.
    case unclosedQuote = "unclosed-quote"
    /// Bytes that are not UTF-8.
    case invalidEncoding = "invalid-encoding"
    /// A NUL byte in a CSV field.
    case nulByte = "nul-byte"
    /// A quote inside a CSV field that does not start with one (`a"b`).
    case bareQuote = "bare-quote"
    /// Text after a CSV field's closing quote (`"a"b`).
    case textAfterQuote = "text-after-quote"
    /// A field (or a JSON line) larger than the limit, 1 MiB.
    case fieldTooLarge = "field-too-large"
    /// A JSON Lines line that is not one JSON object.
    case invalidJSON = "invalid-json"
    /// A JSON member whose key is not a column.
    case unknownField = "unknown-field"
    /// A value the row must give is absent: the email address, or what a new user needs.
    case missingValue = "missing-value"
    /// A value of the wrong shape: an email address, an enumeration, a country code, an instant.
    case invalidValue = "invalid-value"
    /// The email address was already given on an earlier line of the same file.
    case duplicateInFile = "duplicate-in-file"
    /// The external id belongs to another user.
    case externalIDTaken = "external-id-taken"
    /// OneRoster: an enrolment whose user or class is in no file of the package (nor known to Admit).
    case unknownReference = "unknown-reference"
    /// OneRoster: an enrolment that contradicts one Admit already has (a withdrawn enrolment is not reopened).
    case enrolmentConflict = "enrolment-conflict"
    /// With `--package`: the policy does not permit the enrolment at that instant (the user row was applied).
    case enrolmentRefused = "enrolment-refused"

    /// Classes sort in declaration order: reading problems first, then values, then conflicts.
    public static func < (lhs: RejectClass, rhs: RejectClass) -> Bool { lhs.order < rhs.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }
}
