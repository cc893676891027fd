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
        /// The lecture's number in the catalog (`Admission.numberedLecture`).
        var lecture: Int
        var code: DecisionCode
        var values: [ReasonValue]
    }

    private struct InstantInZone: Hashable {
        var instant: Instant
        var zone: String
    }

    private struct HourInZone: Hashable {
        var hour: Int64
        var zone: String
    }

    private var decisions: [Key: RenderedDecision] = [:]
    private var instantTexts: [InstantInZone: String] = [:]
    /// A zone's UTC offset through a whole hour, when it is the same at both ends (a zone changes
    /// its offset at most once an hour, so then it holds for the whole hour); nil when it changes.
    private var hourOffsets: [HourInZone: Int?] = [:]
    private let capacity: Int

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// `code`, made by `policy` for `request` (to open the lecture numbered `lecture`) and
    /// `facts`, in words.
    func decision(_ code: DecisionCode, _ request: AccessRequest, lecture: Int, facts: Facts, policy: PolicySet) -> RenderedDecision {
        let values = policy.values(of: code, request, facts: facts)
        let key = Key(lecture: lecture, code: code, values: values)
        if let known = decisions[key] { return known }
        if decisions.count >= capacity { decisions.removeAll(keepingCapacity: true) }
        let rendered = RenderedDecision(policy.render(code, request, values: values))
        decisions[key] = rendered
        return rendered
    }

    /// `instant` in RFC 3339 form at `zone`'s offset then (`Instant.formatted(in:)`): instants that
    /// recur (a window's edges) are kept as text; others take the zone's offset for their hour,
    /// which asking the zone data each time would cost more than writing the text.
    func text(of instant: Instant, in zone: Zone) -> String {
        let key = InstantInZone(instant: instant, zone: zone.identifier)
        if let text = instantTexts[key] { return text }
        let ms = instant.millisecondsSinceEpoch
        guard ms > Int64.min / 2, ms < Int64.max / 2 else { return instant.formatted(in: zone) }
        let hour = HourInZone(hour: ms >= 0 ? ms / 3_600_000 : (ms - 3_599_999) / 3_600_000, zone: zone.identifier)
        let offset: Int?
        if let known = hourOffsets[hour] {
            offset = known
        } else {
            let start = Instant(millisecondsSinceEpoch: hour.hour * 3_600_000)
            let first = zone.offsetSeconds(at: start)
            offset = first == zone.offsetSeconds(at: start.adding(milliseconds: 3_599_999)) ? first : nil
            if hourOffsets.count >= 65_536 { hourOffsets.removeAll(keepingCapacity: true) }
            hourOffsets[hour] = offset
        }
        let text = offset.map { instant.formatted(offsetSeconds: $0) } ?? instant.formatted(in: zone)
        if ms % 1000 == 0 {
            if instantTexts.count >= 4096 { instantTexts.removeAll(keepingCapacity: true) }
            instantTexts[key] = text
        }
        return text
    }

    func clear() {
        decisions.removeAll(keepingCapacity: true)
    }
}
