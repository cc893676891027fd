import AdmitDomain
import AdmitJSON
import AdmitStore

/// A decision as the audit log holds it.
public struct LoggedDecision: Sendable {
    public var seq: Int64
    public var recordedAt: Instant
    public var actor: String
    public var user: UserID
    public var package: PackageID
    public var lecture: LectureID?
    public var action: Action
    public var at: Instant
    public var effect: Effect
    public var policyHash: String
    public var reasons: [Reason]
    /// The facts the decision used, as logged (a JSON object).
    public var facts: JSONValue
    /// The zone of the decision's package, for showing instants.
    public var zone: Zone

    /// Reads a decision row; nil when the row is not a decision or its detail is not in the shape Admit writes.
    init?(_ entry: AuditEntry, zone: Zone) {
        let record = entry.record
        guard record.kind == .decision, let user = record.user, let package = record.package, let at = record.at,
            let effect = record.effect, let policyHash = record.policyHash,
            let detail = try? JSONParser.parse(record.detail), let action = detail["action"]?.stringValue.flatMap(Action.init(rawValue:))
        else { return nil }
        seq = entry.seq
        recordedAt = record.recordedAt
        actor = record.actor
        self.user = user
        self.package = package
        lecture = record.lecture
        self.action = action
        self.at = at
        self.effect = effect
        self.policyHash = policyHash
        reasons = (detail["reasons"]?.arrayValue ?? []).compactMap { value in
            guard let code = value["code"]?.stringValue.flatMap(ReasonCode.init(rawValue:)) else { return nil }
            return Reason(code: code, rule: value["rule"]?.stringValue.map { RuleID($0) }, message: value["message"]?.stringValue ?? "")
        }
        facts = detail["facts"] ?? .null
        self.zone = zone
    }

    /// The fields of `admit audit decisions --format json` (one element per decision).
    public var json: JSONValue {
        var object = JSONObject()
        object["seq"] = .number(JSONNumber(seq))
        object["recordedAt"] = .string(recordedAt.formatted(in: zone))
        object["actor"] = .string(actor)
        object["user"] = .number(JSONNumber(user.rawValue))
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
