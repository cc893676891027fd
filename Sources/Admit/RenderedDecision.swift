import AdmitDomain
import AdmitJSON

/// A decision with the JSON that every answer and log row of it needs, rendered once.
///
/// Decisions repeat: the same user, lecture and span between two boundaries give the same
/// `Decision` (see `PolicySet.decisionBoundaries(for:)`), so `Admission` keeps these and shares
/// them between answers instead of explaining and rendering each request anew.
public final class RenderedDecision: Sendable {
    public let decision: Decision
    /// The audit row's `detail` object (reasons, deciding rules, nearest miss and facts).
    let detail: String
    /// `reasons`, `determiningRules` and `nearestMiss`, compact JSON as `Decision.addFields` writes them.
    let reasons: [UInt8]
    let determiningRules: [UInt8]
    let nearestMiss: [UInt8]

    init(_ decision: Decision, action: Action, facts: Facts) {
        self.decision = decision
        detail = AuditDetail.decision(decision, action: action, facts: facts)
        var object = JSONObject()
        decision.addFields(to: &object)
        reasons = object["reasons"]?.serializedBytes() ?? Array("[]".utf8)
        determiningRules = object["determiningRules"]?.serializedBytes() ?? Array("[]".utf8)
        nearestMiss = object["nearestMiss"]?.serializedBytes() ?? Array("null".utf8)
    }

    /// Writes the `reasons`, `determiningRules` and `nearestMiss` members into an open object.
    func writeFields(to writer: inout JSONWriter) {
        writer.key("reasons")
        writer.writeSerialized(reasons)
        writer.key("determiningRules")
        writer.writeSerialized(determiningRules)
        writer.key("nearestMiss")
        writer.writeSerialized(nearestMiss)
    }
}
