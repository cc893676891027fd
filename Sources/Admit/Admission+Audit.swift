import AdmitJSON
import AdmitStore

extension Admission {
    /// Recomputes the audit log's hash chain and names the first broken row.
    public func verifyAudit() throws(AdmitError) -> AuditVerification {
        try perform { () throws(StoreError) in try store.verifyAudit() }
    }
}

extension Admission {
    /// Records a request that was refused before it reached the engine (a mutation without a
    /// valid token): `what` names the request (e.g. the method), `reason` says why.
    public func recordRefusal(of what: String, actor: String, reason: String) throws(AdmitError) {
        var detail = JSONObject()
        detail["request"] = .string(what)
        detail["reason"] = .string(reason)
        let record = AuditRecord(
            recordedAt: clock.now(), actor: actor, kind: .requestRefused, policyHash: policy.version.hash,
            detail: JSONValue.object(detail).serialized())
        _ = try perform { () throws(StoreError) in try store.write { try store.append(record) } }
    }
}

extension AuditVerification {
    /// The fields of `admit audit verify --json` and of the service's `audit.verify` result.
    public var json: JSONValue {
        var object = JSONObject()
        object["intact"] = .bool(isIntact)
        object["rows"] = .number(JSONNumber(rows))
        if let firstBreak {
            object["firstBrokenRow"] = .number(JSONNumber(firstBreak.seq))
            object["reason"] = .string(firstBreak.reason)
        } else {
            object["firstBrokenRow"] = .null
        }
        return .object(object)
    }
}
