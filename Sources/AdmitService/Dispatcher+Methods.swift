import Admit
import AdmitDomain
import AdmitJSON
import AdmitRules

extension Dispatcher {
    /// `check`: params user, lecture, at?; the request `run` decides in groups (with the other
    /// checks of the read) and `CheckOutcome.write(to:)` answers, as `admit check --json` prints it.
    ///
    /// Static because `Call.init` reads it on the connection's thread, before the worker's turn.
    static func checkRequest(_ params: inout Params) throws(RPCError) -> CheckRequest {
        let user = try params.user()
        let lecture = try params.string("lecture")
        let at = try params.instant("at")
        try params.finish()
        return CheckRequest(user: user, lecture: lecture, at: at)
    }

    /// Runs a method other than `check` (whose params `checkRequest` reads and `run` decides in
    /// groups); its result is the method's `result` member.
    func perform(_ method: RPCMethod, _ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        switch method {
        case .check:
            // Unreachable: `Call.init` turns every check into `.check` or `.invalid`.
            throw RPCError(.internalError, "internal error: check is decided in groups")
        case .when: return try when(&params)
        case .enrol: return try enrol(&params, from: peer)
        case .register: return try register(&params, from: peer)
        case .auditEnrolments: return try auditEnrolments(&params)
        case .auditVerify: return try auditVerify(&params)
        case .policyReload: return try policyReload(&params, from: peer)
        case .policyDiff: return try policyDiff(&params)
        case .ping: return try ping(&params)
        case .version: return try version(&params)
        }
    }

    /// Runs an Admit use case, turning its error into the JSON-RPC error for it.
    func admit<T>(_ body: () throws(AdmitError) -> T) throws(RPCError) -> T {
        do { return try body() } catch { throw RPCError(error) }
    }

    /// `when`: params user, lecture, from?, until?, at?; the result of `admit when --json`.
    private func when(_ params: inout Params) throws(RPCError) -> JSONValue {
        let user = try params.user()
        let lecture = try params.string("lecture")
        let range = try params.span()
        let reference = try params.instant("at")
        try params.finish()
        return try admit { () throws(AdmitError) in
            try admission.when(user: user, lecture: lecture, range: range, reference: reference)
        }.json
    }

    /// `enrol`: params user, package, at?, source? (self, bulk, admin; default self), force?;
    /// the result of `admit enrol --json`.
    private func enrol(_ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        let user = try params.user()
        let package = try params.string("package")
        let at = try params.instant("at")
        let sourceName = try params.optionalString("source")
        let force = try params.bool("force") ?? false
        try params.finish()
        var source = EnrolmentSource.`self`
        if let sourceName {
            guard let named = EnrolmentSource(rawValue: sourceName) else {
                throw RPCError.invalidParam("source", "must be one of self, bulk, admin")
            }
            source = named
        }
        return try admit { () throws(AdmitError) in
            try admission.enrol(user: user, package: package, at: at, source: source, force: force, actor: peer.actor)
        }.json
    }

    /// `register`: params users (an array of user objects, keys as the CSV columns), package?,
    /// at?, force?, atomic?, dryRun?; the result of `admit register --json`, plus `results`:
    /// one object per element, in order, saying what became of it.
    private func register(_ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        let users = try params.array("users")
        let package = try params.optionalString("package")
        let at = try params.instant("at")
        let force = try params.bool("force")
        let options = RegistrationOptions(
            atomic: try params.bool("atomic") ?? false, dryRun: try params.bool("dryRun") ?? false, package: package, at: at,
            force: force ?? false)
        try params.finish()
        var results: [RegistrationRowResult] = []
        results.reserveCapacity(users.count)
        let summary = try admit { () throws(AdmitError) in
            try admission.register(json: users, name: "JSON-RPC request", options: options, actor: peer.actor) {
                results.append($0)
            }
        }
        return summary.json(results: results)
    }

    /// `audit.enrolments`: params package?, from?, until?, limit? (rows behind each anomaly,
    /// default 20, 0 for all); the result of `admit audit enrolments --format json`.
    private func auditEnrolments(_ params: inout Params) throws(RPCError) -> JSONValue {
        let package = try params.optionalString("package")
        let range = try params.span()
        let limit = try params.int("limit", in: 0...Int.max) ?? 20
        try params.finish()
        return try admit { () throws(AdmitError) in
            try admission.enrolmentReport(
                package: package, range: range, limit: limit, maxCatchUp: limits.maxReportCatchUp)
        }.json
    }

    /// `audit.verify`: no params; the result of `admit audit verify --json`.
    private func auditVerify(_ params: inout Params) throws(RPCError) -> JSONValue {
        try params.finish()
        return try admit { () throws(AdmitError) in try admission.verifyAudit() }.json
    }

    /// `policy.reload`: params dryRun?; re-reads the policy files. The old policy stays on any
    /// error. With `dryRun` nothing is loaded: the result says what loading would change, as
    /// `policy.diff` does, with `applied: false`.
    private func policyReload(_ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        let dryRun = try params.bool("dryRun") ?? false
        try params.finish()
        let previous = admission.policy.version
        if dryRun {
            let (diff, warnings) = try admit { () throws(AdmitError) in
                let new = try admission.readConfiguredPolicy()
                return (try admission.policyDiff(to: new), new.set.warnings)
            }
            return Self.reloadResult(policy: diff.new, previous: previous, applied: false, diff: diff, warnings: warnings)
        }
        let loaded = try admit { () throws(AdmitError) in try admission.reloadPolicy(actor: peer.actor) }
        return Self.reloadResult(policy: loaded, previous: previous, applied: true, diff: nil, warnings: admission.policy.set.warnings)
    }

    private static func reloadResult(
        policy: PolicyVersion, previous: PolicyVersion, applied: Bool, diff: PolicyDiff?, warnings: [PolicyDiagnostic]
    ) -> JSONValue {
        var result: JSONObject = [
            "policy": .string(policy.hash), "previous": .string(previous.hash), "changed": .bool(policy != previous),
            "applied": .bool(applied), "warnings": .array(warnings.map { .string($0.description) }),
        ]
        if let diff { result["diff"] = diff.json }
        return .object(result)
    }

    /// `policy.diff`: params package?, from?, until?, users? (list every user of each change;
    /// default the first few); read-only. What reloading the policy files now would change for
    /// every user and lecture: the result of `admit policy diff --json` against those files.
    private func policyDiff(_ params: inout Params) throws(RPCError) -> JSONValue {
        let package = try params.optionalString("package")
        let range = try params.span()
        let users = try params.bool("users") ?? false
        try params.finish()
        return try admit { () throws(AdmitError) in
            try admission.policyDiff(to: admission.readConfiguredPolicy(), package: package, range: range, listUsers: users)
        }.json
    }

    /// `ping`: no params; answers `"pong"`.
    private func ping(_ params: inout Params) throws(RPCError) -> JSONValue {
        try params.finish()
        return "pong"
    }

    /// `version`: no params; what this service is and serves.
    private func version(_ params: inout Params) throws(RPCError) -> JSONValue {
        try params.finish()
        return [
            "name": "admit",
            "jsonrpc": "2.0",
            "methods": .array(RPCMethod.allCases.map { .string($0.rawValue) }),
            "policy": .string(admission.policy.version.hash),
        ]
    }
}
