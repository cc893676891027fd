import AdmitCSV
import AdmitDomain
import AdmitJSON
import AdmitStore

/// A decision as the audit log holds it, with its words as `check` gave them.
///
/// A decision of the compact format keeps its reason codes, the policy version and the version
/// of the user's state; its words are rendered again from those when it is read, and they are
/// the words `check` answered with. One of the first format kept its words in its detail.
public struct LoggedDecision: Sendable {
    public var seq: Int64
    /// The writer whose chain holds it, on PostgreSQL (each writer numbers its own rows); nil on SQLite.
    public var writer: String?
    public var recordedAt: Instant
    public var actor: String
    public var user: UserID
    public var package: PackageID
    public var lecture: LectureID?
    public var action: Action
    public var at: Instant
    public var effect: Effect
    public var policyHash: String
    /// The decision in words: reasons, deciding rules, nearest miss.
    public var decision: Decision
    /// The facts the decision used.
    public var facts: Facts
    /// The version of the user's state it used (nil for a decision of the first format).
    public var factsVersion: Int64?
    /// The zone of the decision's package, for showing instants.
    public var zone: Zone
    /// The user's external id (a OneRoster sourcedId) in the state the decision used; nil when
    /// they had none (or the decision is of the first format).
    public var externalID: String? = nil

    public var reasons: [Reason] { decision.reasons }

    /// Reads a decision row of the first format; nil when the row is not a decision or its
    /// detail is not in the shape Admit wrote.
    init?(legacy entry: AuditEntry, zone: Zone) {
        guard entry.kind == .decision, let user = entry.user, let package = entry.package, let at = entry.at,
            let effect = entry.effect, let policyHash = entry.policyHash, let text = entry.detail,
            let detail = try? JSONParser.parse(text), let action = detail["action"]?.stringValue.flatMap(Action.init(rawValue:)),
            let facts = detail["facts"].flatMap({ Facts(legacyJSON: $0, user: user) })
        else { return nil }
        func reason(_ value: JSONValue) -> Reason? {
            guard let code = value["code"]?.stringValue.flatMap(ReasonCode.init(rawValue:)) else { return nil }
            return Reason(code: code, rule: value["rule"]?.stringValue.map { RuleID($0) }, message: value["message"]?.stringValue ?? "")
        }
        let miss = detail["nearestMiss"].flatMap { value -> NearestMiss? in
            guard let rule = value["rule"]?.stringValue else { return nil }
            return NearestMiss(rule: RuleID(rule), failedClauses: (value["clauses"]?.arrayValue ?? []).compactMap(reason))
        }
        let decision = Decision(
            effect: effect, reasons: (detail["reasons"]?.arrayValue ?? []).compactMap(reason),
            determiningRules: (detail["determiningRules"]?.arrayValue ?? []).compactMap { $0.stringValue.map { RuleID($0) } },
            nearestMiss: miss)
        self.init(
            entry: entry, user: user, package: package, action: action, at: at, effect: effect, policyHash: policyHash, decision: decision,
            facts: facts, factsVersion: nil, zone: zone)
    }

    init(
        entry: AuditEntry, user: UserID, package: PackageID, action: Action, at: Instant, effect: Effect, policyHash: String,
        decision: Decision, facts: Facts, factsVersion: Int64?, zone: Zone
    ) {
        seq = entry.seq
        recordedAt = entry.recordedAt
        actor = entry.actor
        self.user = user
        self.package = package
        lecture = entry.lecture
        self.action = action
        self.at = at
        self.effect = effect
        self.policyHash = policyHash
        self.decision = decision
        self.facts = facts
        self.factsVersion = factsVersion
        self.zone = zone
    }

    /// The fields of `admit audit decisions --format json` (one element per decision).
    public var json: JSONValue {
        var object = JSONObject()
        object["seq"] = .number(JSONNumber(seq))
        if let writer { object["writer"] = .string(writer) }
        object["recordedAt"] = .string(recordedAt.formatted(in: zone))
        object["actor"] = .string(actor)
        object["user"] = .number(JSONNumber(user.rawValue))
        if let externalID { object["externalId"] = .string(externalID) }
        object["action"] = .string(action.rawValue)
        object["package"] = .string(package.rawValue)
        object["lecture"] = lecture.map { .string($0.rawValue) } ?? .null
        object["at"] = .string(at.formatted(in: zone))
        object["decision"] = .string(effect.rawValue)
        object["reasons"] = .array(reasons.map(\.json))
        object["policy"] = .string(policyHash)
        return .object(object)
    }
}

extension LoggedDecision {
    /// Decisions as CSV, one row each under a header row (formulas neutralised):
    /// `admit audit decisions --format csv`. On PostgreSQL, where each writer numbers its own
    /// rows, a last column `writer` names the chain of each `seq`.
    public static func csv(_ decisions: [LoggedDecision]) -> [UInt8] {
        var writer = CSVWriter(neutraliseFormulas: true)
        let writers = decisions.contains { $0.writer != nil }
        writer.write(
            [
                "seq", "recorded_at", "actor", "user", "action", "package", "lecture", "at", "decision", "reasons", "policy", "external_id",
            ] + (writers ? ["writer"] : []))
        for decision in decisions {
            writer.write(
                [
                    String(decision.seq), decision.recordedAt.formatted(in: decision.zone), decision.actor, String(decision.user.rawValue),
                    decision.action.rawValue,
                    decision.package.rawValue, decision.lecture?.rawValue ?? "", decision.at.formatted(in: decision.zone),
                    decision.effect.rawValue,
                    decision.reasons.map(\.code.rawValue).joined(separator: " "), decision.policyHash, decision.externalID ?? "",
                ] + (writers ? [decision.writer ?? ""] : []))
        }
        return writer.takeBytes()
    }
}
