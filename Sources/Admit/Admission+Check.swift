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

/// One `check` question: may `user` (an email address or id) open `lecture` at `at` (default: now)?
public struct CheckRequest: Sendable, Hashable {
    public var user: String
    public var lecture: String
    public var at: Instant?

    public init(user: String, lecture: String, at: Instant? = nil) {
        self.user = user
        self.lecture = lecture
        self.at = at
    }
}

extension Admission {
    /// Decides whether `user` (an email address or id) may open `lecture` at `at` (default: now),
    /// and appends the decision to the audit log.
    public func check(user reference: String, lecture lectureID: String, at: Instant? = nil) throws(AdmitError) -> CheckOutcome {
        try check([CheckRequest(user: reference, lecture: lectureID, at: at)])[0].get()
    }

    /// Decides many `check` requests and appends all their decisions to the audit log in one
    /// transaction, in request order: the service's path, one call per batch of lines read.
    ///
    /// Each result is the outcome or why that request failed (unknown user, …). If the log
    /// cannot be written (the database is busy, …) no decision of the batch counts: every
    /// request that was decided fails with that error, so an answer always has its log row.
    /// `actor` is recorded with every decision (default: the configuration's).
    public func check(_ requests: [CheckRequest], actor: String? = nil) -> [Result<CheckOutcome, AdmitError>] {
        guard !requests.isEmpty else { return [] }
        do { try refreshFacts() } catch { return requests.map { _ in .failure(error) } }
        let now = clock.now()
        var results: [Result<CheckOutcome, AdmitError>] = []
        results.reserveCapacity(requests.count)
        var records: [AuditRecord] = []
        records.reserveCapacity(requests.count)
        var decided: [Int] = []
        decided.reserveCapacity(requests.count)
        for request in requests {
            do {
                let facts = try resolve(request.user)
                let lecture = try lecture(request.lecture)
                let at = request.at ?? now
                let decision = policy.set.explain(.open(lecture, at: at), facts: facts)
                records.append(
                    decisionRecord(decision, action: .open, user: facts.user, package: lecture.package, lecture: lecture.id, at: at, facts: facts, recordedAt: now, actor: actor))
                decided.append(results.count)
                results.append(
                    .success(
                        CheckOutcome(
                            user: facts.user, lecture: lecture, at: at, zone: zone(of: lecture.package), decision: decision, policy: policy.version,
                            auditSeq: 0)))
            } catch {
                results.append(.failure(error))
            }
        }
        guard !records.isEmpty else { return results }
        do {
            let seqs = try perform { () throws(StoreError) in try store.write { try store.append(records) } }
            factsUnchangedByOwnWrites()
            for (position, index) in decided.enumerated() {
                if case .success(let outcome) = results[index] {
                    results[index] = .success(outcome.logged(as: seqs[position]))
                }
            }
        } catch {
            for index in decided { results[index] = .failure(error) }
        }
        return results
    }

    /// The audit row for a decision.
    func decisionRecord(
        _ decision: Decision, action: Action, user: User, package: PackageID, lecture: LectureID?, at: Instant, facts: Facts,
        recordedAt: Instant? = nil, actor: String? = nil
    ) -> AuditRecord {
        AuditRecord(
            recordedAt: recordedAt ?? clock.now(), actor: actor ?? configuration.actor, kind: .decision, user: user.id, package: package, lecture: lecture,
            at: at, effect: decision.effect, policyHash: policy.version.hash,
            detail: AuditDetail.decision(decision, action: action, facts: facts))
    }

    /// The zone a package counts its days in (UTC for an unknown package).
    public func zone(of package: PackageID) -> Zone {
        catalog.package(package)?.zone ?? .utc
    }
}

extension CheckOutcome {
    /// The same outcome with its audit row's sequence number.
    func logged(as seq: Int64) -> CheckOutcome {
        CheckOutcome(user: user, lecture: lecture, at: at, zone: zone, decision: decision, policy: policy, auditSeq: seq)
    }

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
