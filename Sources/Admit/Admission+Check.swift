import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore

/// The answer to `check`: the decision with its reasons, and where it was logged.
///
/// A class: answers pass through queues and arrays on the service's hot path, and a copy of a
/// reference costs one reference count where a copy of these fields costs a dozen.
public final class CheckOutcome: Sendable {
    public let user: UserReference
    /// The version of the user's state in the audit log that the decision used.
    public let factsVersion: Int64
    public let lecture: Lecture
    public let at: Instant
    /// The zone the lecture's package counts its days in, for showing instants.
    public let zone: Zone
    /// The decision, with its JSON rendered once and shared between answers.
    public let rendered: RenderedDecision
    public let policy: PolicyVersion
    /// The decision's row in the audit log (on PostgreSQL: in its writer's chain).
    public let auditSeq: Int64
    /// On PostgreSQL, the writer whose chain holds the row; nil on SQLite, which has one chain.
    public let auditWriter: String?
    /// `at` in RFC 3339 form in `zone`.
    let atText: String

    init(
        user: UserReference, factsVersion: Int64, lecture: Lecture, at: Instant, zone: Zone, rendered: RenderedDecision,
        policy: PolicyVersion, auditSeq: Int64, auditWriter: String? = nil, atText: String
    ) {
        self.user = user
        self.factsVersion = factsVersion
        self.lecture = lecture
        self.at = at
        self.zone = zone
        self.rendered = rendered
        self.policy = policy
        self.auditSeq = auditSeq
        self.auditWriter = auditWriter
        self.atText = atText
    }

    public var decision: Decision { rendered.decision }
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

/// `check` requests decided but not yet logged (`Admission.decide`): the rows to append, and the
/// answers, which are had only by saying where the rows went (`logged(as:)`) or that they could
/// not be written (`notLogged(_:)`), so that no answer leaves without its log row.
public struct DecidedChecks: Sendable {
    /// Each request's outcome (its `auditSeq` still 0) or why it failed, in request order.
    let results: [Result<CheckOutcome, AdmitError>]
    /// The decisions to append, in request order: one for each request that was decided.
    public let records: [DecisionRecord]
    /// Where in `results` each record's request is.
    let decided: [Int]

    /// The answers, once `records` are in the log with the sequence numbers `seqs` (in order), in
    /// the chain of `writer` (PostgreSQL; nil on SQLite).
    public consuming func logged(as seqs: [Int64], writer: String? = nil) -> [Result<CheckOutcome, AdmitError>] {
        precondition(seqs.count == records.count, "one sequence number per decision")
        var answers = results
        for (position, index) in decided.enumerated() {
            if case .success(let outcome) = answers[index] {
                answers[index] = .success(outcome.logged(as: seqs[position], writer: writer))
            }
        }
        return answers
    }

    /// The answers when the log could not be written: every decided request fails with `error`
    /// (the others keep their own failure).
    public consuming func notLogged(_ error: AdmitError) -> [Result<CheckOutcome, AdmitError>] {
        var answers = results
        for index in decided { answers[index] = .failure(error) }
        return answers
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
        let decided = decide(requests, actor: actor)
        guard !decided.records.isEmpty else { return decided.logged(as: []) }
        do {
            let seqs = try perform { () throws(StoreError) in try storage.commitDecisions(decided.records) }
            factsUnchangedByOwnWrites()
            return decided.logged(as: seqs, writer: storage.writerName)
        } catch {
            return decided.notLogged(error)
        }
    }

    /// Decides many `check` requests without logging them: the rows to append to a decision log,
    /// and the answers once they are appended (``DecidedChecks``). `check(_:actor:)` is this and
    /// the append to this database's log; a log elsewhere (a PostgreSQL replica's) appends
    /// `records` itself, and answers only after its commit.
    public func decide(_ requests: [CheckRequest], actor: String? = nil) -> DecidedChecks {
        guard !requests.isEmpty else { return DecidedChecks(results: [], records: [], decided: []) }
        do { try refreshFacts() } catch {
            return DecidedChecks(results: requests.map { _ in .failure(error) }, records: [], decided: [])
        }
        let now = clock.now()
        var results: [Result<CheckOutcome, AdmitError>] = []
        results.reserveCapacity(requests.count)
        var records: [DecisionRecord] = []
        records.reserveCapacity(requests.count)
        var decided: [Int] = []
        decided.reserveCapacity(requests.count)
        let actor = actor ?? configuration.actor
        let version = policy.version
        let set = policy.set
        for request in requests {
            do {
                let user = try resolve(request.user)
                let (lecture, number) = try numberedLecture(request.lecture)
                let at = request.at ?? now
                let access = AccessRequest.open(lecture, at: at)
                let code = set.explanation(access, facts: user.facts)
                let words = rendered.decision(code, access, lecture: number, facts: user.facts, policy: set)
                records.append(
                    DecisionRecord(
                        recordedAt: now, actor: actor, user: user.reference.id, factsVersion: user.version, lecture: lecture.id, at: at,
                        effect: code.effect, policyHash: version.hash, code: code.bytes))
                decided.append(results.count)
                let zone = zone(of: lecture.package)
                results.append(
                    .success(
                        CheckOutcome(
                            user: user.reference, factsVersion: user.version, lecture: lecture, at: at, zone: zone, rendered: words,
                            policy: version, auditSeq: 0, atText: rendered.text(of: at, in: zone))))
            } catch {
                results.append(.failure(error))
            }
        }
        return DecidedChecks(results: results, records: records, decided: decided)
    }

    /// The zone a package counts its days in (UTC for an unknown package).
    public func zone(of package: PackageID) -> Zone {
        catalog.package(package)?.zone ?? .utc
    }
}

extension CheckOutcome {
    /// The same outcome with its audit row's sequence number (in `writer`'s chain on PostgreSQL).
    func logged(as seq: Int64, writer: String?) -> CheckOutcome {
        CheckOutcome(
            user: user, factsVersion: factsVersion, lecture: lecture, at: at, zone: zone, rendered: rendered, policy: policy, auditSeq: seq,
            auditWriter: writer, atText: atText)
    }

    /// The fields of `admit check --json` and of the service's `check` result.
    public var json: JSONValue {
        var object = JSONObject()
        object["decision"] = .string(decision.effect.rawValue)
        object["user"] = user.referenceJSON
        object["lecture"] = .string(lecture.id.rawValue)
        object["package"] = .string(lecture.package.rawValue)
        object["at"] = .string(atText)
        decision.addFields(to: &object)
        object["policy"] = .string(policy.hash)
        object["auditSeq"] = .number(JSONNumber(auditSeq))
        if let auditWriter { object["auditWriter"] = .string(auditWriter) }
        return .object(object)
    }

    /// Writes the same object as `json`, member for member, straight into `writer`: the
    /// service's path, which shares the decision's rendered JSON instead of building a tree.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("decision")
        writer.write(decision.effect.rawValue)
        writer.key("user")
        writer.beginObject()
        writer.key("id")
        writer.write(user.id.rawValue)
        writer.key("email")
        writer.write(user.email.normalized)
        if let externalID = user.externalID {
            writer.key("externalId")
            writer.write(externalID)
        }
        writer.endObject()
        writer.key("lecture")
        writer.write(lecture.id.rawValue)
        writer.key("package")
        writer.write(lecture.package.rawValue)
        writer.key("at")
        writer.write(atText)
        rendered.writeFields(to: &writer)
        writer.key("policy")
        writer.write(policy.hash)
        writer.key("auditSeq")
        writer.write(auditSeq)
        if let auditWriter {
            writer.key("auditWriter")
            writer.write(auditWriter)
        }
        writer.endObject()
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
