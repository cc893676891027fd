import AdmitDomain
import AdmitJSON
import AdmitRules

/// The answer to `when`: the exact spans in which a user may open a lecture.
public struct WhenOutcome: Sendable {
    public let user: UserReference
    public let lecture: Lecture
    public let zone: Zone
    public let availability: Availability
    /// When the lecture would open (beyond `availability`) if the user enrolled, and when they
    /// may enrol; nil when no enrolment would open anything more.
    public let ifEnrolled: EnrolmentHint?
    public let policy: PolicyVersion
}

extension Admission {
    /// The spans within `range` in which `user` may open `lecture`, and the next flip after
    /// `reference` (default: the start of the range if it has one, else now).
    public func when(user reference: String, lecture lectureID: String, range: Span = .always, reference instant: Instant? = nil)
        throws(AdmitError) -> WhenOutcome
    {
        try refreshFacts()
        let resolved = try resolve(reference)
        let facts = resolved.facts
        let user = resolved.reference
        let lecture = try lecture(lectureID)
        guard range.start < range.end else {
            throw .invalidInput(.emptyRange)
        }
        let referenceInstant = instant ?? (range.start == .min ? clock.now() : range.start)
        let availability = policy.set.availability(
            of: .open(lecture, at: referenceInstant), facts: facts, in: range, reference: referenceInstant)
        let hint = policy.set.enrolmentHint(opening: lecture, facts: facts, in: range, now: availability)
        return WhenOutcome(
            user: user, lecture: lecture, zone: zone(of: lecture.package), availability: availability, ifEnrolled: hint,
            policy: policy.version)
    }
}

extension WhenOutcome {
    /// The fields of `admit when --json` and of the service's `when` result.
    public var json: JSONValue {
        func time(_ instant: Instant) -> JSONValue {
            instant == .min || instant == .max ? .null : .string(instant.formatted(in: zone))
        }
        var object = JSONObject()
        object["user"] = user.referenceJSON
        object["lecture"] = .string(lecture.id.rawValue)
        object["package"] = .string(lecture.package.rawValue)
        object["zone"] = .string(zone.identifier)
        object["from"] = time(availability.range.start)
        object["until"] = time(availability.range.end)
        object["allowed"] = .array(availability.allowed.map { .object(["from": time($0.start), "until": time($0.end)]) })
        object["reference"] = time(availability.reference)
        object["decisionAtReference"] = .string(availability.effectAtReference.rawValue)
        object["nextFlip"] = availability.nextFlip.map(time) ?? .null
        func spans(_ list: [Span]) -> JSONValue { .array(list.map { .object(["from": time($0.start), "until": time($0.end)]) }) }
        object["ifEnrolled"] =
            ifEnrolled.map { hint in
                .object([
                    "package": .string(hint.package.rawValue), "opens": spans(hint.opens), "enrolBefore": time(hint.enrolBefore),
                    "enrolmentOpen": spans(hint.enrolment),
                ])
            } ?? .null
        object["policy"] = .string(policy.hash)
        return .object(object)
    }
}
