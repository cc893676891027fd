import AdmitDomain
import AdmitJSON
import AdmitStore

/// The JSON objects kept in the audit log's `detail` column, written in one place.
enum AuditDetail {
    /// A decision: its reasons and deciding rules, and the facts it used (enough to replay it).
    static func decision(_ decision: Decision, action: Action, facts: Facts) -> String {
        var object = JSONObject()
        object["action"] = .string(action.rawValue)
        object["reasons"] = .array(decision.reasons.map(\.json))
        object["determiningRules"] = .array(decision.determiningRules.map { .string($0.rawValue) })
        if let miss = decision.nearestMiss { object["nearestMiss"] = miss.json }
        object["facts"] = facts.json
        return JSONValue.object(object).serialized()
    }

    static func user(_ user: User) -> String {
        JSONValue.object(user.json).serialized()
    }

    /// Writes `user` details as `user(_:)` does, faster: for the hot path of bulk registration.
    ///
    /// It writes straight into a reused buffer and remembers the last instant it formatted
    /// (an import registers most users at the same instant).
    struct Writer {
        private var writer = JSONWriter(reservingCapacity: 512)
        private var lastInstant: Instant?
        private var lastInstantText = ""

        /// The same text as `AuditDetail.user(user)`.
        mutating func user(_ user: User) -> String {
            if user.registeredAt != lastInstant {
                lastInstant = user.registeredAt
                lastInstantText = user.registeredAt.description
            }
            writer.reset()
            writer.beginObject()
            writer.key("id")
            writer.write(user.id.rawValue)
            writer.key("email")
            writer.write(user.email.normalized)
            writer.key("name")
            writer.write(user.name)
            writer.key("profession")
            writer.write(user.profession.rawValue)
            writer.key("country")
            if let country = user.country { writer.write(country.rawValue) } else { writer.writeNull() }
            writer.key("account")
            writer.write(user.account.rawValue)
            writer.key("subscription")
            writer.write(user.subscription.rawValue)
            writer.key("registeredAt")
            writer.write(lastInstantText)
            writer.key("externalId")
            if let externalID = user.externalID { writer.write(externalID) } else { writer.writeNull() }
            writer.endObject()
            return writer.string
        }
    }

    static func userChange(_ before: User, _ after: User) -> String {
        var object = JSONObject()
        object["before"] = .object(before.json)
        object["after"] = .object(after.json)
        return JSONValue.object(object).serialized()
    }

    static func enrolment(_ enrolment: Enrolment, refusedBy decision: Decision? = nil) -> String {
        var object = JSONObject()
        object["source"] = .string(enrolment.source.rawValue)
        object["forced"] = .bool(enrolment.forced)
        if let decision {
            object["overrode"] = .array(decision.reasons.map(\.json))
            if let miss = decision.nearestMiss { object["nearestMiss"] = miss.json }
        }
        return JSONValue.object(object).serialized()
    }

    static func withdrawal(_ enrolment: Enrolment) -> String {
        var object = JSONObject()
        object["enrolledAt"] = .number(JSONNumber(enrolment.enrolledAt.millisecondsSinceEpoch))
        return JSONValue.object(object).serialized()
    }

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
    /// The user's attributes and enrolments as a decision used them.
    var json: JSONValue {
        var object = JSONObject()
        object["account"] = .string(user.account.rawValue)
        object["profession"] = .string(user.profession.rawValue)
        object["country"] = user.country.map { .string($0.rawValue) } ?? .null
        object["subscription"] = .string(user.subscription.rawValue)
        object["enrolments"] = .array(
            enrolments.map { enrolment in
                var e = JSONObject()
                e["package"] = .string(enrolment.package.rawValue)
                e["enrolledAt"] = .number(JSONNumber(enrolment.enrolledAt.millisecondsSinceEpoch))
                e["withdrawnAt"] = enrolment.withdrawnAt.map { .number(JSONNumber($0.millisecondsSinceEpoch)) } ?? .null
                return .object(e)
            })
        return .object(object)
    }

    /// Reads back what `json` wrote, for replay; nil when the object is not in that shape.
    init?(json: JSONValue, user base: User) {
        guard let object = json.objectValue,
            let account = object["account"]?.stringValue.flatMap(AccountState.init(rawValue:)),
            let profession = object["profession"]?.stringValue.flatMap(Profession.init(rawValue:)),
            let subscription = object["subscription"]?.stringValue.flatMap(Subscription.init),
            let enrolments = object["enrolments"]?.arrayValue
        else { return nil }
        var user = base
        user.account = account
        user.profession = profession
        user.subscription = subscription
        user.country = object["country"]?.stringValue.flatMap(CountryCode.init)
        var list: [Enrolment] = []
        for entry in enrolments {
            guard let e = entry.objectValue, let package = e["package"]?.stringValue, let at = e["enrolledAt"]?.int64Value else {
                return nil
            }
            let withdrawn = e["withdrawnAt"]?.int64Value.map(Instant.init(millisecondsSinceEpoch:))
            list.append(
                Enrolment(
                    user: base.id, package: PackageID(package), enrolledAt: Instant(millisecondsSinceEpoch: at), source: .self,
                    withdrawnAt: withdrawn))
        }
        self.init(user: user, enrolments: list)
    }
}

extension User {
    /// `{"id": …, "email": …}`: the user as results name them.
    var referenceJSON: JSONValue {
        ["id": .number(JSONNumber(id.rawValue)), "email": .string(email.normalized)]
    }

    var json: JSONObject {
        var object = JSONObject()
        object["id"] = .number(JSONNumber(id.rawValue))
        object["email"] = .string(email.normalized)
        object["name"] = .string(name)
        object["profession"] = .string(profession.rawValue)
        object["country"] = country.map { .string($0.rawValue) } ?? .null
        object["account"] = .string(account.rawValue)
        object["subscription"] = .string(subscription.rawValue)
        object["registeredAt"] = .string(registeredAt.description)
        object["externalId"] = externalID.map { .string($0) } ?? .null
        return object
    }
}

extension Reason {
    var json: JSONValue {
        var object = JSONObject()
        object["code"] = .string(code.rawValue)
        object["rule"] = rule.map { .string($0.rawValue) } ?? .null
        object["message"] = .string(message)
        return .object(object)
    }
}

extension NearestMiss {
    var json: JSONValue {
        var object = JSONObject()
        object["rule"] = .string(rule.rawValue)
        object["clauses"] = .array(failedClauses.map(\.json))
        return .object(object)
    }
}
