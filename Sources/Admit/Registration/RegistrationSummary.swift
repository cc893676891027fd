import AdmitDomain
import AdmitJSON

/// The outcome of one registration run: counts per outcome, the first rejects, the batch.
public struct RegistrationSummary: Sendable {
    /// Enrolments made with `package`.
    public struct Enrolments: Sendable, Hashable {
        public var package: PackageID
        public var at: Instant
        /// The package's zone, in which `at` is written.
        public var zone: Zone
        /// Enrolments recorded by this run (forced ones included).
        public var enrolled = 0
        /// Of `enrolled`, those made against the policy with `force`.
        public var forced = 0
        public var alreadyEnrolled = 0
        /// Refused by the policy and not forced (the users themselves were applied).
        public var refused = 0
    }

    /// What a OneRoster import did with the rows of `enrollments.csv`.
    public struct RosterEnrolments: Sendable, Hashable {
        /// Enrolments recorded (forced ones included).
        public var enrolled = 0
        /// Of `enrolled`, those made against the policy with `force`.
        public var forced = 0
        /// Enrolments withdrawn: at an `endDate`, or for `tobedeleted`.
        public var withdrawn = 0
        /// Rows whose enrolment Admit already had as the row says.
        public var unchanged = 0
        /// Rows in classes the class map does not name: not imported, not rejected.
        public var unmapped = 0
        /// Refused by the policy and not forced (counted among the rejected rows too).
        public var refused = 0
    }

    /// The input as named (`-` for standard input).
    public var source: String
    public var format: RegistrationFormat?
    /// SHA-256 of the input bytes, hex.
    public var sha256: String
    public var bytes: Int64
    /// `chunked`, `atomic` or `dry-run`.
    public var mode: String
    /// The import batch; nil for a dry run.
    public var batch: Int64?
    /// Whether the changes were committed: false for a dry run and for an atomic run with rejects.
    public var committed: Bool
    /// Rows read (blank lines not counted).
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// Rejects per class; enrolment refusals are counted here too, under `enrolment-refused`.
    public var rejectsByClass: [RejectClass: Int] = [:]
    /// The first rejects (up to `RegistrationOptions.keptRejects`), in input order.
    public var firstRejects: [RegistrationReject] = []
    public var enrolments: Enrolments?
    /// For a OneRoster package: what became of its enrolments.
    public var roster: RosterEnrolments?
    /// Where the rejected rows were written, if asked.
    public var rejectsFile: String?
    public var elapsed: Duration = .zero

    /// Whether every row (and every enrolment asked for) was applied, or would be in a dry run.
    public var isComplete: Bool { rejected == 0 && (enrolments?.refused ?? 0) == 0 }

    /// Rows per second over the whole run.
    public var rowsPerSecond: Double {
        elapsed.seconds > 0 ? Double(rows) / elapsed.seconds : 0
    }

    mutating func count(_ reject: RegistrationReject, keep limit: Int) {
        rejectsByClass[reject.rejectClass, default: 0] += 1
        if firstRejects.count < limit { firstRejects.append(reject) }
    }

    /// The counts as the import batch records them (a JSON object, one line).
    var countsJSON: String {
        var object = JSONObject()
        object["rows"] = .number(JSONNumber(rows))
        object["created"] = .number(JSONNumber(created))
        object["updated"] = .number(JSONNumber(updated))
        object["unchanged"] = .number(JSONNumber(unchanged))
        object["rejected"] = .number(JSONNumber(rejected))
        object["rejectsByClass"] = rejectsByClassJSON
        if let enrolments { object["enrolments"] = enrolments.json }
        if let roster { object["rosterEnrolments"] = roster.json }
        object["mode"] = .string(mode)
        object["committed"] = .bool(committed)
        return JSONValue.object(object).serialized()
    }

    private var rejectsByClassJSON: JSONValue {
        var object = JSONObject()
        for rejectClass in rejectsByClass.keys.sorted() {
            object[rejectClass.rawValue] = .number(JSONNumber(rejectsByClass[rejectClass] ?? 0))
        }
        return .object(object)
    }

    /// The fields of `admit register --json` and of the service's `register` result.
    public var json: JSONValue {
        var object = JSONObject()
        object["source"] = .string(source)
        object["format"] = format.map { .string($0.rawValue) } ?? .null
        object["sha256"] = .string(sha256)
        object["bytes"] = .number(JSONNumber(bytes))
        object["mode"] = .string(mode)
        object["batch"] = batch.map { .number(JSONNumber($0)) } ?? .null
        object["committed"] = .bool(committed)
        object["complete"] = .bool(isComplete)
        object["rows"] = .number(JSONNumber(rows))
        object["created"] = .number(JSONNumber(created))
        object["updated"] = .number(JSONNumber(updated))
        object["unchanged"] = .number(JSONNumber(unchanged))
        object["rejected"] = .number(JSONNumber(rejected))
        object["rejectsByClass"] = rejectsByClassJSON
        object["enrolments"] = enrolments?.json ?? .null
        if let roster { object["rosterEnrolments"] = roster.json }
        object["rejects"] = .array(firstRejects.map(\.json))
        object["rejectsFile"] = rejectsFile.map { .string($0) } ?? .null
        object["elapsedMs"] = .number(JSONNumber(elapsed.milliseconds))
        object["rowsPerSecond"] = .number(JSONNumber(Int64(rowsPerSecond.rounded())))
        return .object(object)
    }
}

extension RegistrationSummary.Enrolments {
    var json: JSONValue {
        var object = JSONObject()
        object["package"] = .string(package.rawValue)
        object["at"] = .string(at.formatted(in: zone))
        object["enrolled"] = .number(JSONNumber(enrolled))
        object["forced"] = .number(JSONNumber(forced))
        object["alreadyEnrolled"] = .number(JSONNumber(alreadyEnrolled))
        object["refused"] = .number(JSONNumber(refused))
        return .object(object)
    }
}

extension RegistrationSummary.RosterEnrolments {
    var json: JSONValue {
        var object = JSONObject()
        object["enrolled"] = .number(JSONNumber(enrolled))
        object["forced"] = .number(JSONNumber(forced))
        object["withdrawn"] = .number(JSONNumber(withdrawn))
        object["unchanged"] = .number(JSONNumber(unchanged))
        object["unmapped"] = .number(JSONNumber(unmapped))
        object["refused"] = .number(JSONNumber(refused))
        return .object(object)
    }
}

extension RegistrationReject {
    /// `{"line": 7, "column": "country", "class": "invalid-value", "message": "…"}`.
    public var json: JSONValue {
        var object = JSONObject()
        if let file { object["file"] = .string(file) }
        object["line"] = .number(JSONNumber(line))
        object["column"] = column.map { .string($0) } ?? .null
        object["class"] = .string(rejectClass.rawValue)
        object["message"] = .string(message)
        return .object(object)
    }
}

extension RegistrationSummary {
    /// `json` with `results`: what became of each row, in order (the service's `register` result).
    public func json(results: [RegistrationRowResult]) -> JSONValue {
        guard case .object(var object) = json else { return json }
        object["results"] = .array(results.map { $0.json(committed: committed) })
        return .object(object)
    }
}

extension RegistrationRowResult {
    /// `{"line": 2, "outcome": "created", "user": 5, "email": "…", "enrolment": "enrolled", "forced": false, "reject": null}`.
    ///
    /// `committed` is the run's: a user id is given only when the row's change was kept (a
    /// dry run or a rolled-back atomic run hands out ids that do not exist afterwards).
    public func json(committed: Bool) -> JSONValue {
        var object = JSONObject()
        object["line"] = .number(JSONNumber(line))
        object["outcome"] = .string(outcome.rawValue)
        object["user"] = user.flatMap { committed ? .number(JSONNumber($0.id.rawValue)) : nil } ?? .null
        object["email"] = user.map { .string($0.email.normalized) } ?? .null
        object["enrolment"] = enrolment.map { .string($0.rawValue) } ?? .null
        object["forced"] = .bool(forced)
        object["reject"] = reject?.json ?? .null
        return .object(object)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// The duration in whole milliseconds.
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
