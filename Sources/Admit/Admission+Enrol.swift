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
    public let user: User
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
    public let user: User
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
        let facts = try resolve(reference).facts
        let user = facts.user
        let package = try package(packageID)
        let at = at ?? clock.now()
        let decision = enrolmentDecision(facts: facts, package: package, at: at)
        let forced = !decision.isAllowed
        func outcome(_ result: EnrolOutcome.Result, forced: Bool, since: Instant?) -> EnrolOutcome {
            EnrolOutcome(
                result: result, user: user, package: package, at: at, decision: decision, forced: forced, policy: policy.version,
                since: since)
        }
        func current() throws(AdmitError) -> Enrolment? {
            try perform { () throws(StoreError) in try store.currentEnrolment(of: user.id, in: package.id) }
        }
        if let existing = try current() {
            return outcome(.alreadyEnrolled, forced: false, since: existing.enrolledAt)
        }
        if forced, !force {
            return outcome(.refused, forced: false, since: nil)
        }
        let enrolment = Enrolment(user: user.id, package: package.id, enrolledAt: at, source: source, forced: forced)
        let now = clock.now()
        let actor = actor ?? configuration.actor
        let inserted = try perform { () throws(StoreError) in
            try store.write {
                let result = try store.enrol(enrolment, accountState: user.account)
                if case .added = result {
                    try store.append(enrolmentRecord(enrolment, decision: decision, recordedAt: now, actor: actor))
                }
                return result
            }
        }
        switch inserted {
        case .added: return outcome(.enrolled, forced: forced, since: at)
        case .alreadyEnrolled(let existing): return outcome(.alreadyEnrolled, forced: false, since: existing.enrolledAt)
        }
    }

    /// The policy's decision on enrolling the user `facts` describe in `package` at `at`.
    func enrolmentDecision(facts: Facts, package: Package, at: Instant) -> Decision {
        policy.set.explain(.enrol(in: package.id, at: at), facts: facts)
    }

    /// The audit row for an added enrolment; a forced one keeps the refusal it overrode.
    func enrolmentRecord(_ enrolment: Enrolment, decision: Decision, recordedAt: Instant, actor: String) -> AuditRecord {
        AuditRecord(
            recordedAt: recordedAt, actor: actor, kind: .enrolmentAdded, user: enrolment.user, package: enrolment.package,
            at: enrolment.enrolledAt, policyHash: policy.version.hash,
            detail: AuditDetail.enrolment(enrolment, refusedBy: enrolment.forced ? decision : nil))
    }

    /// Withdraws `user`'s current enrolment in `package` at `at` (default now); the enrolment stays
    /// in the history with its withdrawal instant. Withdrawing when not enrolled changes nothing.
    public func unenrol(user reference: String, package packageID: String, at: Instant? = nil) throws(AdmitError) -> UnenrolOutcome {
        let user = try user(reference)
        let package = try package(packageID)
        let at = at ?? clock.now()
        let now = clock.now()
        let actor = configuration.actor
        let current = try perform { () throws(StoreError) in try store.currentEnrolment(of: user.id, in: package.id) }
        if let current, at < current.enrolledAt {
            throw .invalidInput(
                "cannot withdraw \(user.email.normalized) from \(package.id) at \(at.formatted(in: package.zone)): "
                    + "the enrolment began at \(current.enrolledAt.formatted(in: package.zone))")
        }
        let withdrawn = try perform { () throws(StoreError) in
            try store.write {
                guard let withdrawn = try store.withdraw(user: user.id, from: package.id, at: at) else { return Enrolment?.none }
                try store.append(
                    AuditRecord(
                        recordedAt: now, actor: actor, kind: .enrolmentWithdrawn, user: user.id, package: package.id, at: at,
                        detail: AuditDetail.withdrawal(withdrawn)))
                return withdrawn
            }
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
