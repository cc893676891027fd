import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore

/// The answer to `enrol`.
public struct EnrolOutcome: Sendable {
    /// What happened.
    public enum Result: String, Sendable {
        /// A new enrolment was recorded.
        case enrolled
        /// The user was already enrolled; nothing changed.
        case alreadyEnrolled = "already-enrolled"
        /// The policy does not permit enrolment at that instant, and it was not forced.
        case refused
    }

    public let result: Result
    public let user: UserReference
    public let package: Package
    public let at: Instant
    /// The policy's decision on the `enrol` action (an enrolment made against it was forced).
    public let decision: Decision
    /// True when the enrolment was recorded although the policy denied it.
    public let forced: Bool
    public let policy: PolicyVersion
    /// When the user's current enrolment began (nil when refused). For `alreadyEnrolled` it is
    /// the existing enrolment's instant, which may differ from `at`: the enrolment counts from it.
    public let since: Instant?

    /// Whether the user is enrolled after the call.
    public var isEnrolled: Bool { result != .refused }
}

/// The answer to `unenrol`.
public struct UnenrolOutcome: Sendable {
    public let user: UserReference
    public let package: Package
    /// The withdrawn enrolment, or nil when there was no current one (nothing changed).
    public let withdrawn: Enrolment?
}

extension Admission {
    /// Enrols `user` in `package` at `at` (default now) if the policy permits the `enrol` action
    /// then, or unconditionally with `force` (which the audit log records with the refusal it overrode).
    ///
    /// Enrolling twice is not an error and changes nothing. `actor` is recorded with the change
    /// (default: the configuration's).
    public func enrol(
        user reference: String, package packageID: String, at: Instant? = nil, source: EnrolmentSource = .self, force: Bool = false,
        actor: String? = nil
    ) throws(AdmitError) -> EnrolOutcome {
        try refreshFacts()
        let resolved = try resolve(reference)
        let package = try package(packageID)
        let at = at ?? clock.now()
        let (code, decision) = enrolmentDecision(facts: resolved.facts, package: package, at: at)
        let forced = !decision.isAllowed
        func outcome(_ result: EnrolOutcome.Result, forced: Bool, since: Instant?) -> EnrolOutcome {
            EnrolOutcome(
                result: result, user: resolved.reference, package: package, at: at, decision: decision, forced: forced,
                policy: policy.version, since: since)
        }
        if let existing = resolved.facts.enrolments.last(where: { $0.package == package.id && $0.withdrawnAt == nil }) {
            return outcome(.alreadyEnrolled, forced: false, since: existing.enrolledAt)
        }
        if forced, !force {
            return outcome(.refused, forced: false, since: nil)
        }
        let enrolment = Enrolment(
            user: resolved.reference.id, package: package.id, enrolledAt: at, source: source, forced: forced,
            accountState: resolved.facts.account)
        let context = ChangeContext(
            recordedAt: clock.now(), actor: actor ?? configuration.actor, policyHash: policy.version.hash,
            overrode: forced ? code.bytes : nil)
        let inserted = try perform { () throws(StoreError) in try storage.commitEnrolment(enrolment, context) }
        switch inserted {
        case .added: return outcome(.enrolled, forced: forced, since: at)
        case .alreadyEnrolled(let existing): return outcome(.alreadyEnrolled, forced: false, since: existing.enrolledAt)
        }
    }

    /// The policy's decision on enrolling the user `facts` describe in `package` at `at`, as a
    /// code (what a forced enrolment's row keeps of the refusal it overrode) and in words.
    func enrolmentDecision(facts: Facts, package: Package, at: Instant) -> (code: DecisionCode, decision: Decision) {
        let request = AccessRequest.enrol(in: package.id, at: at)
        let code = policy.set.explanation(request, facts: facts)
        return (code, policy.set.render(code, request, facts: facts))
    }

    /// Withdraws `user`'s current enrolment in `package` at `at` (default now); the enrolment stays
    /// in the history with its withdrawal instant. Withdrawing when not enrolled changes nothing.
    public func unenrol(user reference: String, package packageID: String, at: Instant? = nil) throws(AdmitError) -> UnenrolOutcome {
        try refreshFacts()
        let resolved = try resolve(reference)
        let user = resolved.reference
        let package = try package(packageID)
        let at = at ?? clock.now()
        let context = ChangeContext(recordedAt: clock.now(), actor: configuration.actor)
        if let current = resolved.facts.enrolments.last(where: { $0.package == package.id && $0.withdrawnAt == nil }),
            at < current.enrolledAt
        {
            throw .invalidInput(
                .withdrawalBeforeStart(user: user.email, package: package.id, at: at, began: current.enrolledAt, zone: package.zone))
        }
        let withdrawn = try perform { () throws(StoreError) in
            try storage.commitWithdrawal(user: user.id, from: package.id, at: at, context)
        }
        return UnenrolOutcome(user: user, package: package, withdrawn: withdrawn)
    }
}

extension EnrolOutcome {
    /// The fields of `admit enrol --json` and of the service's `enrol` result.
    public var json: JSONValue {
        var object = JSONObject()
        object["result"] = .string(result.rawValue)
        object["enrolled"] = .bool(isEnrolled)
        object["forced"] = .bool(forced)
        object["user"] = user.referenceJSON
        object["package"] = .string(package.id.rawValue)
        object["at"] = .string(at.formatted(in: package.zone))
        object["since"] = since.map { .string($0.formatted(in: package.zone)) } ?? .null
        object["decision"] = .string(decision.effect.rawValue)
        decision.addFields(to: &object)
        object["policy"] = .string(policy.hash)
        return .object(object)
    }
}

extension UnenrolOutcome {
    /// The fields of `admit unenrol --json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["result"] = .string(withdrawn == nil ? "not-enrolled" : "withdrawn")
        object["user"] = user.referenceJSON
        object["package"] = .string(package.id.rawValue)
        object["enrolledAt"] = withdrawn.map { .string($0.enrolledAt.formatted(in: package.zone)) } ?? .null
        object["withdrawnAt"] = withdrawn?.withdrawnAt.map { .string($0.formatted(in: package.zone)) } ?? .null
        return .object(object)
    }
}
