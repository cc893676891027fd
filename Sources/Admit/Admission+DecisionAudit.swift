import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore

/// The answer to `audit replay`: the logged decision, re-evaluated two ways.
public struct ReplayOutcome: Sendable {
    public let logged: LoggedDecision
    /// The decision re-made with the policy version and the facts it used.
    public let replayed: Decision
    /// Whether the replay gives the logged decision: effect, reason codes and deciding rules, and
    /// the nearest miss's rule and clause codes.
    public var reproduces: Bool {
        replayed.effect == logged.effect && replayed.allCodes == logged.decision.allCodes
            && replayed.determiningRules == logged.decision.determiningRules
            && replayed.nearestMiss?.rule == logged.decision.nearestMiss?.rule
    }
    /// The decision today: the current policy and the user's current facts, at the same instant.
    public let today: Decision
    public let todayPolicy: PolicyVersion
    /// Whether today's answer has the same effect.
    public var sameToday: Bool { today.effect == logged.effect }

    /// The fields of `admit audit replay --json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["logged"] = logged.json
        var replay = JSONObject()
        replay["decision"] = .string(replayed.effect.rawValue)
        replayed.addFields(to: &replay)
        replay["reproduces"] = .bool(reproduces)
        object["replayed"] = .object(replay)
        var now = JSONObject()
        now["decision"] = .string(today.effect.rawValue)
        today.addFields(to: &now)
        now["policy"] = .string(todayPolicy.hash)
        now["same"] = .bool(sameToday)
        object["today"] = .object(now)
        return .object(object)
    }
}

extension Admission {
    /// Logged decisions matching the filters, newest first (`limit` nil or 0: all).
    public func decisions(
        user: String? = nil, lecture: String? = nil, package: String? = nil, effect: Effect? = nil, range: Span = .always,
        limit: Int? = 100,
        progress: (Int64, Int64) -> Void = { _, _ in }
    ) throws(AdmitError) -> [LoggedDecision] {
        let query = DecisionQuery(
            user: try user.map { reference throws(AdmitError) in try self.user(reference).id },
            lecture: try lecture.map { id throws(AdmitError) in try self.lecture(id).id },
            package: try package.map { id throws(AdmitError) in try self.package(id).id }, effect: effect,
            from: range.start == .min ? nil : range.start, until: range.end == .max ? nil : range.end, limit: limit == 0 ? nil : limit)
        let reports = try reportStore(for: "audit decisions")
        let entries = try perform { () throws(StoreError) in
            _ = try reports.refreshReportIndexes(progress: progress)
            return try reports.decisions(query)
        }
        // The states the decisions used, read at once.
        let keys = entries.compactMap { entry in
            entry.user.flatMap { user in entry.factsVersion.map { UserVersion(user: user, version: $0) } }
        }
        let states = try perform { () throws(StoreError) in try storage.userStates(keys) }
        var decisions: [LoggedDecision] = []
        for entry in entries {
            if let decision = try loggedDecision(entry, states: states) { decisions.append(decision) }
        }
        return decisions
    }

    /// A decision row as `check` answered it; nil when the row is not a decision in a shape this
    /// Admit reads. A compact row's words are rendered from its code with the policy version and
    /// the user's state it names.
    /// `states` holds states read beforehand; one missing there is read here.
    func loggedDecision(_ entry: AuditEntry, states: [UserVersion: UserState] = [:]) throws(AdmitError) -> LoggedDecision? {
        let zone = zone(of: entry.package ?? "")
        if entry.isLegacy { return LoggedDecision(legacy: entry, zone: zone) }
        guard entry.kind == .decision, let user = entry.user, let version = entry.factsVersion, let lectureID = entry.lecture,
            let at = entry.at, let effect = entry.effect, let policyHash = entry.policyHash,
            let code = entry.code.flatMap(DecisionCode.init(bytes:))
        else { return nil }
        var known = states[UserVersion(user: user, version: version)]
        if known == nil { known = try perform { () throws(StoreError) in try storage.userState(user, version: version) } }
        guard let state = known else { return nil }
        let then = try storedPolicy(policyHash, for: entry.seq)
        let lecture = catalog.lecture(lectureID) ?? Lecture(id: lectureID, package: entry.package ?? "", position: 1, title: "")
        let decision = then.set.render(code, .open(lecture, at: at), facts: state.facts)
        var logged = LoggedDecision(
            entry: entry, user: user, package: lecture.package, action: .open, at: at, effect: effect, policyHash: policyHash,
            decision: decision, facts: state.facts, factsVersion: version, zone: zone)
        logged.externalID = state.user.externalID
        logged.writer = entry.writer
        return logged
    }

    /// A policy version the database keeps, compiled (once per version).
    func storedPolicy(_ hash: String, for seq: Int64) throws(AdmitError) -> LoadedPolicy {
        if hash == policy.version.hash { return policy }
        if let known = storedPolicies[hash] { return known }
        guard let files = try perform({ () throws(StoreError) in try storage.policyFiles(hash: hash) }) else {
            throw .invalidInput(.policyVersionMissing(hash: hash, decision: seq))
        }
        let loaded = try LoadedPolicy(sources: files.map { PolicySource(path: $0.path, text: $0.text) }, catalog: catalog)
        storedPolicies[hash] = loaded
        return loaded
    }

    /// Re-evaluates logged decision `seq` (of SQLite's one chain) with the policy version and the
    /// facts it used, and again with today's policy and facts.
    public func replay(_ seq: Int64) throws(AdmitError) -> ReplayOutcome {
        try replay(DecisionID(writer: nil, seq: seq))
    }

    /// Re-evaluates logged decision `id` with the policy version and the facts it used, and again
    /// with today's policy and facts. On PostgreSQL `id` names the writer whose chain holds it;
    /// without one, the decision with that number must be in one writer's chain only.
    public func replay(_ id: DecisionID) throws(AdmitError) -> ReplayOutcome {
        let seq = id.seq
        if let writer = id.writer, storage.writerName == nil { throw .invalidInput(.writerOnSQLite(id: "\(writer):\(seq)")) }
        let entry: AuditEntry
        let writer: String?
        switch try perform({ () throws(StoreError) in try storage.decisionRow(writer: id.writer, seq: seq) }) {
        case .decision(let found, let chain): (entry, writer) = (found, chain)
        case .notADecision(let kind): throw .invalidInput(.notADecision(seq: seq, kind: kind))
        case .notFound: throw .auditNotFound(seq)
        case .inSeveralChains(let writers): throw .invalidInput(.decisionInSeveralChains(seq: seq, writers: writers))
        }
        guard var logged = try loggedDecision(entry) else {
            throw .invalidInput(.factsUnreadable(decision: seq))
        }
        logged.writer = writer
        let then = try storedPolicy(logged.policyHash, for: seq)
        try refreshFacts()
        let current = try resolve(String(logged.user.rawValue)).facts
        let request: AccessRequest
        switch logged.action {
        case .open:
            guard let lectureID = logged.lecture else { throw .invalidInput(.opensNoLecture(decision: seq)) }
            request = .open(try lecture(lectureID.rawValue), at: logged.at)
        case .enrol:
            request = .enrol(in: logged.package, at: logged.at)
        }
        let replayed = then.set.explain(request, facts: logged.facts)
        let today = policy.set.explain(request, facts: current)
        return ReplayOutcome(logged: logged, replayed: replayed, today: today, todayPolicy: policy.version)
    }
}

/// A logged decision's name, as `check` gives it: its number, and on PostgreSQL the writer whose
/// chain holds it (`logged as #N by writer 'W'`; written `W:N`).
public struct DecisionID: Sendable, Hashable, CustomStringConvertible {
    /// The writer; nil on SQLite (one chain), or to find the one writer with a decision `seq`.
    public var writer: String?
    public var seq: Int64

    public init(writer: String?, seq: Int64) {
        self.writer = writer
        self.seq = seq
    }

    /// `N`, or `WRITER:N` (the number after the last colon: writer names may hold colons).
    public init(parsing text: String) throws(AdmitError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard let last = parts.last, let seq = Int64(last), seq >= 1, last.allSatisfy(\.isASCIIDigit) else {
            throw .invalidInput(.notADecisionID(text: text))
        }
        let writer = parts.count > 1 ? parts.dropLast().joined(separator: ":") : nil
        if writer?.isEmpty == true { throw .invalidInput(.notADecisionID(text: text)) }
        self.init(writer: writer, seq: seq)
    }

    public var description: String { writer.map { "\($0):\(seq)" } ?? "\(seq)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
