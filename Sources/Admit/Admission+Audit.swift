import AdmitJSON
import AdmitStore

extension Admission {
    /// Recomputes the audit log's hash chain and names the first broken row, and compares the
    /// `users` and `enrolments` tables with the users' latest states in the log.
    public func verifyAudit(progress: (Int64) -> Void = { _ in }) throws(AdmitError) -> AuditVerification {
        try perform { () throws(StoreError) in try storage.verifyAudit(progress: progress) }
    }
}

extension Admission {
    /// Records a request that was refused before it reached the engine (a mutation without a
    /// valid token): `what` names the request (e.g. the method), `reason` says why.
    public func recordRefusal(of what: String, actor: String, reason: String) throws(AdmitError) {
        var detail = JSONObject()
        detail["request"] = .string(what)
        detail["reason"] = .string(reason)
        let record = EventRecord(
            recordedAt: clock.now(), actor: actor, kind: .requestRefused, policyHash: policy.version.hash,
            detail: JSONValue.object(detail).serialized())
        try perform { () throws(StoreError) in try storage.commitEvent(record) }
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
        object["users"] = .number(JSONNumber(users))
        object["stateDifferences"] = .number(JSONNumber(stateProblemCount))
        object["differences"] = .array(
            stateProblems.map { problem in
                var item = JSONObject()
                item["table"] = .string(problem.table)
                item["row"] = .string(problem.row)
                item["field"] = problem.field.map { .string($0) } ?? .null
                item["tableValue"] = problem.tableValue.map { .string($0) } ?? .null
                item["logValue"] = problem.logValue.map { .string($0) } ?? .null
                item["logSeq"] = problem.logSeq.map { .number(JSONNumber($0)) } ?? .null
                item["message"] = .string(problem.description)
                return .object(item)
            })
        return .object(object)
    }
}

extension AuditVerification {
    /// `admit audit verify` for people: the chain's verdict, then every difference between the
    /// tables and the log.
    public var text: String {
        var lines: [String] = []
        if let firstBreak {
            lines.append("broken: \(firstBreak) (\(rows) rows checked before it)")
        } else {
            lines.append("hash chain intact: \(rows) rows, head verified")
        }
        if stateProblemCount == 0 {
            lines.append("tables intact: users and enrolments are the audit log's state of \(users) users")
        } else {
            lines.append("tables edited outside Admit: \(stateProblemCount) differences from the audit log's state")
            lines += stateProblems.map { "  \($0)" }
            if stateProblemCount > stateProblems.count {
                lines.append("  … and \(stateProblemCount - stateProblems.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }
}
