import AdmitDomain
import AdmitJSON
import AdmitRules

/// A decision in words with the reply JSON of those words, rendered once and shared.
public final class RenderedDecision: Sendable {
    public let decision: Decision
    /// `reasons`, `determiningRules` and `nearestMiss`, compact JSON as `Decision.addFields` writes them.
    let reasons: [UInt8]
    let determiningRules: [UInt8]
    let nearestMiss: [UInt8]

    init(_ decision: Decision) {
        self.decision = decision
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

/// Decisions in words, by what the words depend on: the code, the request's action and
/// resource, and the values the words take from the facts (`PolicySet.values(of:_:facts:)`).
/// Users with different facts share an entry whenever their words are the same, so the words
/// of a typical decision are rendered once per policy, not once per user.
///
/// Also instants as text in a zone, which every answer shows. Bounded: each table starts afresh
/// when full. Cleared when the policy changes.
final class RenderCache {
    private struct Key: Hashable {
        var action: Action
        var package: PackageID
        var lecture: LectureID?
        var code: DecisionCode
        var values: [ReasonValue]
    }

    private struct InstantInZone: Hashable {
        var instant: Instant
        var zone: String
    }

    private var decisions: [Key: RenderedDecision] = [:]
    private var instantTexts: [InstantInZone: String] = [:]
    private let capacity: Int

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// `code`, made by `policy` for `request` and `facts`, in words.
    func decision(_ code: DecisionCode, _ request: AccessRequest, facts: Facts, policy: PolicySet) -> RenderedDecision {
        let values = policy.values(of: code, request, facts: facts)
        let key = Key(action: request.action, package: request.package, lecture: request.lecture, code: code, values: values)
        if let known = decisions[key] { return known }
        if decisions.count >= capacity { decisions.removeAll(keepingCapacity: true) }
        let rendered = RenderedDecision(policy.render(code, request, values: values))
        decisions[key] = rendered
        return rendered
    }

    /// `instant` in RFC 3339 form at `zone`'s offset then.
    func text(of instant: Instant, in zone: Zone) -> String {
        let key = InstantInZone(instant: instant, zone: zone.identifier)
        if let text = instantTexts[key] { return text }
        if instantTexts.count >= 4096 { instantTexts.removeAll(keepingCapacity: true) }
        let text = instant.formatted(in: zone)
        instantTexts[key] = text
        return text
    }

    func clear() {
        decisions.removeAll(keepingCapacity: true)
    }
}
