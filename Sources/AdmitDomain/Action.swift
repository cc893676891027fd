/// What a user asks to do.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    /// Open (watch) a lecture.
    case open
    /// Enrol in a package.
    case enrol
}

/// One question for the rules engine: may the user do `action` on this resource at `at`?
public struct AccessRequest: Sendable, Hashable {
    public var action: Action
    /// The package: the lecture's package for `open`, the package itself for `enrol`.
    public var package: PackageID
    /// The lecture, for `open`; nil for `enrol`.
    public var lecture: LectureID?
    public var at: Instant

    /// A request to open `lecture` at `at`.
    public static func open(_ lecture: Lecture, at: Instant) -> AccessRequest {
        AccessRequest(action: .open, package: lecture.package, lecture: lecture.id, at: at)
    }

    /// A request to enrol in `package` at `at`.
    public static func enrol(in package: PackageID, at: Instant) -> AccessRequest {
        AccessRequest(action: .enrol, package: package, lecture: nil, at: at)
    }

    public init(action: Action, package: PackageID, lecture: LectureID?, at: Instant) {
        self.action = action
        self.package = package
        self.lecture = lecture
        self.at = at
    }
}

/// What the rules engine knows about the user when it decides: attributes and enrolments.
public struct Facts: Sendable, Hashable {
    public var user: User
    /// All of the user's enrolments, withdrawn ones included (they count until withdrawn).
    public var enrolments: [Enrolment]

    public init(user: User, enrolments: [Enrolment]) {
        self.user = user
        self.enrolments = enrolments
    }
}
