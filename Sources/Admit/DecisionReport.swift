import AdmitDomain

/// A filtered listing of logged decisions with what a person asks of it first: how many were
/// allowed and denied on each day, and which reasons denied most.
///
/// Counts cover every decision that matched the filters; `rows` holds the newest `limit` of them.
public struct DecisionReport: Sendable {
    /// The zone in which days are counted and instants shown.
    public var zone: Zone
    /// The filters as a person reads them, in a fixed order (`user`, `lecture`, `package`, `effect`).
    public var filters: [Filter]
    /// The decision instants covered, `[from, until)` (unbounded ends are `Instant.min`/`.max`).
    public var range: Span
    public var total: Int64
    public var allowed: Int64
    public var denied: Int64
    /// The earliest and latest instant decided about.
    public var first: Instant?
    public var last: Instant?
    /// Allowed and denied per calendar day (of the instant decided about) in `zone`, in day
    /// order; days without decisions are left out.
    public var perDay: [DayCount]
    /// The reasons of denials, by code and rule, most frequent first (ties by code, then rule).
    /// A denial counts once for each distinct code and rule among its reasons.
    public var denyReasons: [ReasonCount]
    /// The newest decisions, newest first, at most `limit`.
    public var rows: [Row]
    /// The cap on `rows`; nil lists all.
    public var limit: Int?

    /// What reasons are counted by.
    private struct ReasonKey: Hashable {
        var code: ReasonCode
        var rule: RuleID?
    }

    /// A filter and its value in words.
    public struct Filter: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct DayCount: Sendable, Hashable {
        public var day: LocalDate
        public var allowed: Int64
        public var denied: Int64
        public init(day: LocalDate, allowed: Int64, denied: Int64) {
            self.day = day
            self.allowed = allowed
            self.denied = denied
        }
    }

    public struct ReasonCount: Sendable, Hashable {
        public var code: ReasonCode
        public var rule: RuleID?
        public var count: Int64
        /// The message of the newest denial with this reason.
        public var example: String
        public init(code: ReasonCode, rule: RuleID?, count: Int64, example: String) {
            self.code = code
            self.rule = rule
            self.count = count
            self.example = example
        }
    }

    /// One decision as the report lists it (the fields of `LoggedDecision` it shows).
    public struct Row: Sendable, Hashable {
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
        /// The user's external id (a OneRoster sourcedId); nil when they have none.
        public var externalID: String?

        public init(
            seq: Int64, recordedAt: Instant, actor: String, user: UserID, package: PackageID, lecture: LectureID?, action: Action,
            at: Instant, effect: Effect, policyHash: String, reasons: [Reason]
        ) {
            self.seq = seq
            self.recordedAt = recordedAt
            self.actor = actor
            self.user = user
            self.package = package
            self.lecture = lecture
            self.action = action
            self.at = at
            self.effect = effect
            self.policyHash = policyHash
            self.reasons = reasons
        }

        public init(_ decision: LoggedDecision) {
            self.init(
                seq: decision.seq, recordedAt: decision.recordedAt, actor: decision.actor, user: decision.user, package: decision.package,
                lecture: decision.lecture, action: decision.action, at: decision.at, effect: decision.effect,
                policyHash: decision.policyHash, reasons: decision.reasons)
            externalID = decision.externalID
        }
    }

    /// Counts `decisions` (newest first, as `Admission.decisions` returns them) and keeps the
    /// first `limit` of them as rows (nil or 0: all).
    public init<Decisions: Sequence>(
        _ decisions: Decisions, zone: Zone, filters: [Filter] = [], range: Span = .always, limit: Int? = 100
    ) where Decisions.Element == Row {
        let limit = limit == 0 ? nil : limit
        self.zone = zone
        self.filters = filters
        self.range = range
        self.limit = limit
        total = 0
        allowed = 0
        denied = 0
        rows = []
        typealias Key = ReasonKey
        let cap = limit ?? Int.max
        var days: [Int64: (allowed: Int64, denied: Int64)] = [:]
        var reasons: [Key: (count: Int64, example: String)] = [:]
        for decision in decisions {
            total += 1
            if rows.count < cap { rows.append(decision) }
            first = min(first ?? decision.at, decision.at)
            last = max(last ?? decision.at, decision.at)
            let day = zone.localDateTime(at: decision.at).date.daysSinceEpoch
            switch decision.effect {
            case .allow:
                allowed += 1
                days[day, default: (0, 0)].allowed += 1
            case .deny:
                denied += 1
                days[day, default: (0, 0)].denied += 1
                var seen: Set<Key> = []
                for reason in decision.reasons where seen.insert(Key(code: reason.code, rule: reason.rule)).inserted {
                    reasons[Key(code: reason.code, rule: reason.rule), default: (0, reason.message)].count += 1
                }
            }
        }
        perDay = days.keys.sorted().map { key in
            let count = days[key] ?? (0, 0)
            return DayCount(day: LocalDate(daysSinceEpoch: key), allowed: count.allowed, denied: count.denied)
        }
        denyReasons = reasons.map { ReasonCount(code: $0.key.code, rule: $0.key.rule, count: $0.value.count, example: $0.value.example) }
            .sorted { ($1.count, $0.code.rawValue, $0.rule?.rawValue ?? "") < ($0.count, $1.code.rawValue, $1.rule?.rawValue ?? "") }
    }
}

extension Admission {
    /// The decision report for the filters of `decisions(…)`: counts over every matching decision,
    /// rows for the newest `limit` (nil or 0: all).
    ///
    /// Days are counted in the zone of the package filtered on (or the lecture's package), else
    /// in the one zone all matching decisions share, else in the only package's, else in UTC.
    public func decisionReport(
        user: String? = nil, lecture: String? = nil, package: String? = nil, effect: Effect? = nil, range: Span = .always,
        limit: Int? = 100, progress: (Int64, Int64) -> Void = { _, _ in }
    ) throws(AdmitError) -> DecisionReport {
        let decisions = try self.decisions(
            user: user, lecture: lecture, package: package, effect: effect, range: range, limit: 0, progress: progress)
        var filters: [DecisionReport.Filter] = []
        if let user {
            let found = try self.user(user)
            filters.append(.init(name: "user", value: "\(found.email.normalized) (user \(found.id))"))
        }
        var zone: Zone?
        if let lecture {
            let found = try self.lecture(lecture)
            filters.append(.init(name: "lecture", value: found.id.rawValue))
            zone = try self.package(found.package.rawValue).zone
        }
        if let package {
            let found = try self.package(package)
            filters.append(.init(name: "package", value: found.id.rawValue))
            zone = found.zone
        }
        if let effect { filters.append(.init(name: "effect", value: effect.rawValue)) }
        if zone == nil, let only = decisions.first?.zone, decisions.allSatisfy({ $0.zone == only }) { zone = only }
        if zone == nil, catalog.packages.count == 1 { zone = catalog.packages.first?.zone }
        return DecisionReport(
            decisions.lazy.map(DecisionReport.Row.init), zone: zone ?? .utc, filters: filters, range: range, limit: limit)
    }
}
