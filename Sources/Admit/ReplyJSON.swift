import AdmitDomain
import AdmitJSON

// The JSON pieces that several replies share (`check`, `when`, `enrol`, the decisions audit, the
// policy diff), written once. Each reply's own object is built next to its outcome
// (`CheckOutcome.json` in `Admission+Check.swift`, and so on).

extension UserReference {
    /// `{"id", "email"}`, and `"externalId"` when the reference carries one.
    var referenceJSON: JSONValue {
        var object: JSONObject = ["id": .number(JSONNumber(id.rawValue)), "email": .string(email.normalized)]
        if let externalID { object["externalId"] = .string(externalID) }
        return .object(object)
    }
}

extension Reason {
    /// `{"code", "rule", "message"}`.
    var json: JSONValue {
        var object = JSONObject()
        object["code"] = .string(code.rawValue)
        object["rule"] = rule.map { .string($0.rawValue) } ?? .null
        object["message"] = .string(message)
        return .object(object)
    }
}

extension NearestMiss {
    /// `{"rule", "clauses"}`: the rule that came closest and the clauses that failed.
    var json: JSONValue {
        var object = JSONObject()
        object["rule"] = .string(rule.rawValue)
        object["clauses"] = .array(failedClauses.map(\.json))
        return .object(object)
    }
}
