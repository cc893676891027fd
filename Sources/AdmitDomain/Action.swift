/// What a user asks to do.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    /// Open (watch) a lecture.
    case open
    /// Enrol in a package.
    case enrol
}

/// One question for the rules engine: may the user do `action` on this resource at `at`?
public struct AccessRequest: Sendable, Hashable {
    /// What is asked for.
    public var action: Action
    /// The package: the lecture's package for `open`, the package itself for `enrol`.
    public var package: PackageID
    /// The lecture, for `open`; nil for `enrol`.
    public var lecture: LectureID?
    /// The instant the question is about.
    public var at: Instant

    /// A request to open `lecture` at `at`.
    public static func open(_ lecture: Lecture, at: Instant) -> AccessRequest {
        AccessRequest(action: .open, package: lecture.package, lecture: lecture.id, at: at)
    }

    /// A request to enrol in `package` at `at`.
    public static func enrol(in package: PackageID, at: Instant) -> AccessRequest {
        AccessRequest(action: .enrol, package: package, lecture: nil, at: at)
    }

    /// A request for `action` on `package` (and `lecture`, for `open`) at `at`.
    public init(action: Action, package: PackageID, lecture: LectureID?, at: Instant) {
        self.action = action
        self.package = package
        self.lecture = lecture
        self.at = at
    }
}

/// What the rules engine knows about a user when it decides: the attributes rules read and the
/// enrolments, nothing else (no name, no address).
///
/// Two users with equal facts get equal answers to every request, which is what lets a service
/// hold every user's facts in memory and lets a policy change be compared across a population.
public struct Facts: Sendable, Hashable {
    /// Whether the account may be used.
    public var account: AccountState
    /// The user's profession.
    public var profession: Profession
    /// Unknown for some imported users; a rule that reads it then fails (and so never grants).
    public var country: CountryCode?
    /// `none`, or a paid plan.
    public var subscription: Subscription
    /// All of the user's enrolments, withdrawn ones included (they count until withdrawn).
    public var enrolments: [Enrolment]

    /// Facts with these attributes and enrolments.
    public init(
        account: AccountState, profession: Profession, country: CountryCode?, subscription: Subscription, enrolments: [Enrolment]
    ) {
        self.account = account
        self.profession = profession
        self.country = country
        self.subscription = subscription
        self.enrolments = enrolments
    }

    /// The facts of `user` with `enrolments`.
    public init(user: User, enrolments: [Enrolment]) {
        self.init(
            account: user.account, profession: user.profession, country: user.country, subscription: user.subscription,
            enrolments: enrolments)
    }
}
