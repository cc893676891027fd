import AdmitDomain

/// What an enrolment would open: for a user who may not open a lecture (at some or all times)
/// because they are not enrolled, when it would open if they were, and when they may enrol.
public struct EnrolmentHint: Sendable, Hashable {
    /// The package to enrol in.
    public var package: PackageID
    /// The spans (within the range asked) the lecture would open in, beyond those it opens in
    /// now, for an enrolment that counts from the start of the range (or from the user's last
    /// withdrawal from the package, if later). An enrolment counts from
    /// when it is made, so one made at `t` opens only what of these spans comes after `t`.
    public var opens: [Span]
    /// The spans (within the range asked) in which the policy lets the user enrol themselves.
    public var enrolment: [Span]

    /// The last instant an enrolment opens anything: the end of the last span of `opens`.
    public var enrolBefore: Instant { opens.last?.end ?? .min }
}

extension PolicySet {
    /// The nearest miss of `when`: the first package, among those the permits covering `lecture`
    /// require an enrolment in, whose enrolment would let the user in `facts` open the lecture at
    /// instants they cannot now. The enrolment supposed counts from the start of `range`, or from
    /// the last withdrawal of the user's own enrolments in the package if later, and is never
    /// withdrawn; a package the user is enrolled in (not withdrawn) is skipped. Nil when no
    /// enrolment would open anything more.
    public func enrolmentHint(opening lecture: Lecture, facts: Facts, in range: Span, now: Availability) -> EnrolmentHint? {
        let request = AccessRequest.open(lecture, at: range.start)
        for package in enrolmentsRequired(by: request) {
            // A new enrolment counts only after the user's own in the package stop counting: an
            // earlier start than theirs is not something they can still choose.
            let own = facts.enrolments.filter { $0.package == package }
            if own.contains(where: { $0.withdrawnAt == nil }) { continue }
            let start = own.compactMap(\.withdrawnAt).reduce(range.start, Swift.max)
            var enrolled = facts
            enrolled.enrolments.append(Enrolment(user: UserID(0), package: package, enrolledAt: start, source: .`self`))
            let would = availability(of: request, facts: enrolled, in: range, reference: now.reference).allowed
            let opens = would.subtracting(now.allowed)
            guard !opens.isEmpty else { continue }
            let enrolment = availability(of: .enrol(in: package, at: range.start), facts: facts, in: range, reference: now.reference)
            return EnrolmentHint(package: package, opens: opens, enrolment: enrolment.allowed)
        }
        return nil
    }

    /// The packages named by `enrolled in` (not under `not`) in the permits covering `request`,
    /// in rule order, without duplicates.
    func enrolmentsRequired(by request: AccessRequest) -> [PackageID] {
        var seen: Set<PackageID> = []
        var packages: [PackageID] = []
        func visit(_ condition: Condition, positive: Bool) {
            switch condition {
            case .all(let parts), .any(let parts): parts.forEach { visit($0, positive: positive) }
            case .not(let inner): visit(inner, positive: !positive)
            case .enrolled(let package): if positive, seen.insert(package).inserted { packages.append(package) }
            case .account, .profession, .country, .subscription, .inWindow: break
            }
        }
        for rule in rules where rule.effect == .permit && rule.target.covers(request) {
            rule.clauses.forEach { visit($0.condition, positive: true) }
        }
        return packages
    }
}
