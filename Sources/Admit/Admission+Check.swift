import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore

/// The answer to `check`: the decision with its reasons, and where it was logged.
public struct CheckOutcome: Sendable {
    public let user: User
    public let lecture: Lecture
    public let at: Instant
    /// The zone the lecture's package counts its days in, for showing instants.
    public let zone: Zone
    public let decision: Decision
    public let policy: PolicyVersion
    /// The decision's row in the audit log.
    public let auditSeq: Int64
}

extension Admission {
    /// Decides whether `user` (an email address or id) may open `lecture` at `at` (default: now),
    /// and appends the decision to the audit log.
    public func check(user reference: String, lecture lectureID: String, at: Instant? = nil) throws(AdmitError) -> CheckOutcome {
        let user = try user(reference)
        let lecture = try lecture(lectureID)
        let at = at ?? clock.now()
        let facts = try facts(for: user)
        let decision = policy.set.explain(.open(lecture, at: at), facts: facts)
        let record = decisionRecord(decision, action: .open, user: user, package: lecture.package, lecture: lecture.id, at: at, facts: facts)
        let seq = try perform { () throws(StoreError) in try store.write { try store.append(record) } }
        return CheckOutcome(
            user: user, lecture: lecture, at: at, zone: zone(of: lecture.package), decision: decision, policy: policy.version, auditSeq: seq)
    }

    /// The audit row for a decision.
    func decisionRecord(
        _ decision: Decision, action: Action, user: User, package: PackageID, lecture: LectureID?, at: Instant, facts: Facts
    ) -> AuditRecord {
        AuditRecord(
            recordedAt: clock.now(), actor: configuration.actor, kind: .decision, user: user.id, package: package, lecture: lecture,
            at: at, effect: decision.effect, policyHash: policy.version.hash,
            detail: AuditDetail.decision(decision, action: action, facts: facts))
    }

    /// The zone a package counts its days in (UTC for an unknown package).
    public func zone(of package: PackageID) -> Zone {
        catalog.package(package)?.zone ?? .utc
    }
}

extension CheckOutcome {
    /// The fields of `admit check --json` and of the service's `check` result.
    public var json: JSONValue {
        var object = JSONObject()
        object["decision"] = .string(decision.effect.rawValue)
        object["user"] = .object(["id": .number(JSONNumber(user.id.rawValue)), "email": .string(user.email.normalized)])
        object["lecture"] = .string(lecture.id.rawValue)
        object["package"] = .string(lecture.package.rawValue)
        object["at"] = .string(at.formatted(in: zone))
        decision.addFields(to: &object)
        object["policy"] = .string(policy.hash)
        object["auditSeq"] = .number(JSONNumber(auditSeq))
        return .object(object)
    }
}

extension Decision {
    /// `reasons`, `determiningRules` and `nearestMiss`, as every front shows them.
    public func addFields(to object: inout JSONObject) {
        object["reasons"] = .array(reasons.map(\.json))
        object["determiningRules"] = .array(determiningRules.map { .string($0.rawValue) })
        object["nearestMiss"] = nearestMiss?.json ?? .null
    }
}
