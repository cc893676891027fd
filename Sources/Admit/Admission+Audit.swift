import AdmitJSON
import AdmitStore

extension Admission {
    /// Recomputes the audit log's hash chain and names the first broken row.
    public func verifyAudit() throws(AdmitError) -> AuditVerification {
        try perform { () throws(StoreError) in try store.verifyAudit() }
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
