import AdmitDomain
import AdmitStore

/// Who enrolled in a package, when, through which channel, and what looks wrong.
public struct EnrolmentReport: Sendable {
    public var package: Package
    /// The enrolment instants covered: `[from, until)` (unbounded ends are `Instant.min`/`.max`).
    public var range: Span
    public var total: Int64
    /// Enrolments later withdrawn (still counted in `total`).
    public var withdrawn: Int64
    /// Distinct people.
    public var people: Int64
    public var first: Instant?
    public var last: Instant?
    /// Enrolments per calendar day in the package's zone, in day order (days without any omitted).
    public var perDay: [(day: LocalDate, count: Int64)]
    public var byProfession: [(key: String, count: Int64)]
    public var byCountry: [(key: String, count: Int64)]
    public var bySource: [(key: String, count: Int64)]
    public var anomalies: [Anomaly]

    /// One kind of anomaly: how many, and the rows behind it (up to the report's limit).
    public struct Anomaly: Sendable {
        public var kind: Kind
        public var count: Int64
        public var rows: [Row]

        /// The anomaly kinds, with stable names.
        public enum Kind: String, Sendable, CaseIterable {
            /// Enrolled outside the enrolment window (forced).
            case forced
            /// Enrolled while the account was suspended or closed.
            case inactiveAccount = "inactive-account"
            /// Likely the same person twice: addresses equal but for a `+tag`, or the same name and country.
            case likelyDuplicate = "likely-duplicate"
            /// A lecture opened (allowed) while the user had no enrolment in its package counting.
            case openedWithoutEnrolment = "opened-without-enrolment"
            /// Enrolled but never opened a lecture of the package.
            case neverOpened = "never-opened"

            /// What the anomaly means, in a few words.
            public var title: String {
                switch self {
                case .forced: return "enrolled outside the enrolment window (forced)"
                case .inactiveAccount: return "enrolled while the account was not active"
                case .likelyDuplicate: return "likely duplicate people"
                case .openedWithoutEnrolment: return "lectures opened without an enrolment"
                case .neverOpened: return "enrolled users who never opened a lecture"
                }
            }
        }
    }

    /// A row behind an anomaly: the user and what is notable about them.
    public struct Row: Sendable, Hashable {
        public var user: UserID
        public var email: String
        public var name: String
        public var country: String?
        /// The instant the anomaly is about (the enrolment, or the opening).
        public var at: Instant
        /// Further facts in words (`source admin`, `account suspended`, `lecture idor-2020-07`, `same as user 12`).
        public var detail: String
        /// The user's external id (a OneRoster sourcedId); nil when they have none.
        public var externalID: String? = nil
    }
}
