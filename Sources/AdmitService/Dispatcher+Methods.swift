import Admit
import AdmitDomain
import AdmitJSON

extension Dispatcher {
    /// Runs a method other than a batched `check`; its result is the method's `result` member.
    ///
    /// `register` (issue 4) and `audit.enrolments` (issue 5) answer `notAvailable` in this build;
    /// each is wired by replacing its line with a call to its handler.
    func perform(_ method: RPCMethod, _ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        switch method {
        case .check: return try check(&params, from: peer)
        case .when: return try when(&params)
        case .enrol: return try enrol(&params, from: peer)
        case .register: throw .notAvailable(.register)
        case .auditEnrolments: throw .notAvailable(.auditEnrolments)
        case .auditVerify: return try auditVerify(&params)
        case .policyReload: return try policyReload(&params, from: peer)
        case .ping: return try ping(&params)
        case .version: return try version(&params)
        }
    }

    /// The methods this build serves (those that do not answer `notAvailable`).
    static let served: [RPCMethod] = RPCMethod.allCases.filter { $0 != .register && $0 != .auditEnrolments }

    /// Runs an Admit use case, turning its error into the JSON-RPC error for it.
    func admit<T>(_ body: () throws(AdmitError) -> T) throws(RPCError) -> T {
        do { return try body() } catch { throw RPCError(error) }
    }

    /// `check` outside a group (params read here; the grouped path reads them in `Call`).
    private func check(_ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        let request = CheckRequest(user: try params.user(), lecture: try params.string("lecture"), at: try params.instant("at"))
        try params.finish()
        return try admit { () throws(AdmitError) in try admission.check([request], actor: peer.actor)[0].get() }.json
    }

    /// `when`: params user, lecture, from?, until?, at?; the result of `admit when --json`.
    private func when(_ params: inout Params) throws(RPCError) -> JSONValue {
        let user = try params.user()
        let lecture = try params.string("lecture")
        let from = try params.instant("from")
        let until = try params.instant("until")
        let reference = try params.instant("at")
        try params.finish()
        let range = Span(start: from ?? .min, end: until ?? .max)
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

    /// `audit.verify`: no params; the result of `admit audit verify --json`.
    private func auditVerify(_ params: inout Params) throws(RPCError) -> JSONValue {
        try params.finish()
        return try admit { () throws(AdmitError) in try admission.verifyAudit() }.json
    }

    /// `policy.reload`: no params; re-reads the policy files. The old policy stays on any error.
    private func policyReload(_ params: inout Params, from peer: Peer) throws(RPCError) -> JSONValue {
        try params.finish()
        let previous = admission.policy.version
        let loaded = try admit { () throws(AdmitError) in try admission.reloadPolicy(actor: peer.actor) }
        return ["policy": .string(loaded.hash), "previous": .string(previous.hash), "changed": .bool(loaded != previous)]
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
            "methods": .array(Dispatcher.served.map { .string($0.rawValue) }),
            "policy": .string(admission.policy.version.hash),
        ]
    }
}
