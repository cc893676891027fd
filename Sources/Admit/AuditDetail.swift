import AdmitDomain
import AdmitJSON
import AdmitStore

/// The JSON objects kept in the `detail` of the audit log's events, written in one place (and,
/// below, the facts of a first-format decision's detail read back). The JSON of replies is next
/// to the outcome each one writes; the pieces several replies share are in `ReplyJSON.swift`.
enum AuditDetail {
    /// An import's start: what is read, how, and what else it does.
    static func importStarted(source: String, format: String?, sha256: String, options: RegistrationOptions) -> String {
        var object = JSONObject()
        object["source"] = .string(source)
        object["format"] = format.map { .string($0) } ?? .null
        object["sha256"] = sha256.isEmpty ? .null : .string(sha256)
        object["mode"] = .string(options.modeName)
        object["package"] = options.package.map { .string($0) } ?? .null
        object["force"] = .bool(options.force)
        return JSONValue.object(object).serialized()
    }

    /// An import's end: its status and the counts per outcome (as the batch row has them).
    static func importFinished(status: String, sha256: String, counts: String, error: String? = nil) -> String {
        var object = JSONObject()
        object["status"] = .string(status)
        object["sha256"] = .string(sha256)
        object["counts"] = (try? JSONParser.parse(counts)) ?? .string(counts)
        if let error { object["error"] = .string(error) }
        return JSONValue.object(object).serialized()
    }

    static func policyLoaded(files: [String]) -> String {
        JSONValue.object(["files": .array(files.map { .string($0) })]).serialized()
    }
}

extension Facts {
    /// Reads the facts a decision of the first log format kept in its detail, for replay; nil
    /// when the object is not in that shape.
    init?(legacyJSON json: JSONValue, user: UserID) {
        guard let object = json.objectValue,
            let account = object["account"]?.stringValue.flatMap(AccountState.init(rawValue:)),
            let profession = object["profession"]?.stringValue.flatMap(Profession.init(rawValue:)),
            let subscription = object["subscription"]?.stringValue.flatMap(Subscription.init),
            let enrolments = object["enrolments"]?.arrayValue
        else { return nil }
        var list: [Enrolment] = []
        for entry in enrolments {
            guard let e = entry.objectValue, let package = e["package"]?.stringValue, let at = e["enrolledAt"]?.int64Value else {
                return nil
            }
            let withdrawn = e["withdrawnAt"]?.int64Value.map(Instant.init(millisecondsSinceEpoch:))
            list.append(
                Enrolment(
                    user: user, package: PackageID(package), enrolledAt: Instant(millisecondsSinceEpoch: at), source: .self,
                    withdrawnAt: withdrawn))
        }
        self.init(
            account: account, profession: profession, country: object["country"]?.stringValue.flatMap(CountryCode.init),
            subscription: subscription, enrolments: list)
    }
}
