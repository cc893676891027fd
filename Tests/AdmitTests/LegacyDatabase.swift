import Admit
import AdmitDomain
import AdmitJSON
import AdmitRules
import Foundation
import SQLite

@testable import AdmitStore

/// Writes a database as Admit wrote it before the compact audit log (schema version 3, release
/// 653137b): the schema of migrations 1 to 3, the seeds, the policy, and audit rows of every
/// kind with the `detail` JSON of that release and its hash chain (hex hashes, `prev_hash`).
///
/// The rows are those of this session of the old binary, each written the way it wrote them:
/// the seed users and enrolments, the policy load, an allow, a deny with a nearest miss, an
/// enrolment forced after the window, an import of one user with an enrolment, a withdrawal.
/// (Checked against a database made by that binary with the same commands: the same kinds,
/// columns, detail keys and hash chain.)
struct LegacyDatabase {
    let path: String
    let policy: LoadedPolicy
    /// The decision rows, by sequence number, with the decision the old binary logged.
    private(set) var decisions: [(seq: Int64, decision: Decision)] = []
    private(set) var rows: Int64 = 0

    private let connection: Connection
    private var previous = LegacyAuditChain.genesis
    private var scratch: [UInt8] = []
    private let recordedAt = try! Instant(parsing: "2020-11-20T09:00:00Z").millisecondsSinceEpoch

    init(path: String, seeds: String, policies: String) throws {
        self.path = path
        connection = try Connection(path: path, mode: .readWrite(create: true))
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute(Migrations.version1)
        try connection.execute(Migrations.version2)
        try connection.execute(Migrations.version3)
        try connection.execute("PRAGMA user_version = 3")
        let seeded = try Seeds.read(from: seeds)
        let (sources, _) = try LoadedPolicy.readFiles(at: [policies])
        policy = try LoadedPolicy(sources: sources, catalog: seeded.catalog)

        for package in seeded.catalog.packages {
            try connection.run(
                "INSERT INTO packages(id, title, platform, zone) VALUES (?, ?, ?, ?)", package.id.rawValue, package.title,
                package.platform, package.zone.identifier)
            for lecture in package.lectures {
                try connection.run(
                    "INSERT INTO lectures(id, package_id, position, title) VALUES (?, ?, ?, ?)", lecture.id.rawValue,
                    package.id.rawValue, Int64(lecture.position), lecture.title)
            }
        }
        var facts: [Int64: Facts] = [:]
        for seed in seeded.users {
            let user = try insertUser(seed.user)
            facts[user.id.rawValue] = Facts(user: user, enrolments: [])
            for enrolment in seed.enrolments {
                let added = Enrolment(user: user.id, package: enrolment.package, enrolledAt: enrolment.at, source: enrolment.source)
                try insertEnrolment(added, account: user.account, batch: nil)
                facts[user.id.rawValue]?.enrolments.append(added)
                try append(
                    actor: "seed", kind: "enrolment.added", user: user.id.rawValue, package: enrolment.package.rawValue,
                    at: enrolment.at.millisecondsSinceEpoch, detail: ["source": .string(enrolment.source.rawValue), "forced": false])
            }
        }
        let hash = policy.version.hash
        try connection.run("INSERT INTO policy_versions(hash, first_loaded_at) VALUES (?, ?)", hash, recordedAt)
        for source in policy.sources {
            try connection.run("INSERT INTO policy_files(version_hash, path, text) VALUES (?, ?, ?)", hash, source.path, source.text)
        }
        try append(
            actor: "cli:root", kind: "policy.loaded", policy: hash, detail: ["files": .array(policy.sources.map { .string($0.path) })])

        let lecture = seeded.catalog.lecture("idor-2020-07")!
        for (user, at) in [(Int64(1), "2020-11-15T10:00:00+01:00"), (2, "2020-11-25T10:00:00+01:00"), (3, "2020-11-15T10:00:00+01:00")] {
            let request = AccessRequest.open(lecture, at: try Instant(parsing: at))
            let decision = policy.set.explain(request, facts: facts[user]!)
            var detail = JSONObject()
            detail["action"] = "open"
            detail["reasons"] = .array(decision.reasons.map(Self.json))
            detail["determiningRules"] = .array(decision.determiningRules.map { .string($0.rawValue) })
            if let miss = decision.nearestMiss { detail["nearestMiss"] = Self.json(miss) }
            detail["facts"] = Self.json(facts[user]!)
            try append(
                actor: "cli:root", kind: "decision", user: user, package: "idor-2020", lecture: lecture.id.rawValue,
                at: request.at.millisecondsSinceEpoch, effect: decision.effect.rawValue, policy: hash, detail: detail)
            decisions.append((rows, decision))
        }

        // An enrolment forced after the window, with the refusal it overrode.
        let late = try Instant(parsing: "2020-11-25T10:00:00+01:00")
        let refusal = policy.set.explain(.enrol(in: "idor-2020", at: late), facts: facts[2]!)
        let forced = Enrolment(user: UserID(2), package: "idor-2020", enrolledAt: late, source: .admin, forced: true)
        try insertEnrolment(forced, account: .active, batch: nil)
        var overrode: JSONObject = ["source": "admin", "forced": true, "overrode": .array(refusal.reasons.map(Self.json))]
        if let miss = refusal.nearestMiss { overrode["nearestMiss"] = Self.json(miss) }
        try append(
            actor: "cli:root", kind: "enrolment.added", user: 2, package: "idor-2020", at: late.millisecondsSinceEpoch, policy: hash,
            detail: overrode)

        // An import of one new user with an enrolment.
        try connection.run(
            "INSERT INTO import_batches(file_name, sha256, actor, started_at, ended_at, status, counts) VALUES ('u.csv', 'ab', 'cli:root', ?, ?, 'completed', '{}')",
            recordedAt, recordedAt)
        let enrolAt = try Instant(parsing: "2020-11-10T10:00:00+01:00").millisecondsSinceEpoch
        try append(
            actor: "cli:root", kind: "import.started", package: "idor-2020", at: enrolAt, policy: hash, batch: 1,
            detail: ["source": "u.csv", "format": "csv", "sha256": "ab", "mode": "chunked", "package": "idor-2020", "force": false])
        let zoe = try insertUser(
            NewUser(
                email: try EmailAddress("zoe@example.org"), name: "Zoe", profession: .other, country: nil, account: .active,
                subscription: .none, registeredAt: Instant(millisecondsSinceEpoch: recordedAt)), batch: 1)
        try insertEnrolment(
            Enrolment(user: zoe.id, package: "idor-2020", enrolledAt: Instant(millisecondsSinceEpoch: enrolAt), source: .bulk),
            account: .active, batch: 1)
        try append(
            actor: "cli:root", kind: "enrolment.added", user: zoe.id.rawValue, package: "idor-2020", at: enrolAt, batch: 1,
            detail: ["source": "bulk", "forced": false])
        try append(actor: "cli:root", kind: "import.finished", batch: 1, detail: ["status": "completed", "sha256": "ab", "counts": [:]])

        // Ada withdraws.
        let out = try Instant(parsing: "2020-11-18T10:00:00+01:00").millisecondsSinceEpoch
        try connection.run("UPDATE enrolments SET withdrawn_at = ? WHERE user_id = 1", out)
        try append(
            actor: "cli:root", kind: "enrolment.withdrawn", user: 1, package: "idor-2020", at: out,
            detail: ["enrolledAt": .number(JSONNumber(facts[1]!.enrolments[0].enrolledAt.millisecondsSinceEpoch))])
        try connection.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", rows, previous)
        connection.close()
    }

    private mutating func insertUser(_ new: NewUser, batch: Int64? = nil) throws -> User {
        try connection.run(
            """
            INSERT INTO users(email, name, profession, country, account, subscription, registered_at, external_id, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, new.email.normalized, new.name, new.profession.rawValue, new.country?.rawValue, new.account.rawValue,
            new.subscription.rawValue, new.registeredAt.millisecondsSinceEpoch, new.externalID, recordedAt)
        let user = new.withID(UserID(connection.lastInsertRowID))
        var detail = JSONObject()
        detail["id"] = .number(JSONNumber(user.id.rawValue))
        detail["email"] = .string(user.email.normalized)
        detail["name"] = .string(user.name)
        detail["profession"] = .string(user.profession.rawValue)
        detail["country"] = user.country.map { .string($0.rawValue) } ?? .null
        detail["account"] = .string(user.account.rawValue)
        detail["subscription"] = .string(user.subscription.rawValue)
        detail["registeredAt"] = .string(user.registeredAt.description)
        detail["externalId"] = .null
        try append(actor: batch == nil ? "seed" : "cli:root", kind: "user.created", user: user.id.rawValue, batch: batch, detail: detail)
        return user
    }

    private func insertEnrolment(_ enrolment: Enrolment, account: AccountState, batch: Int64?) throws {
        try connection.run(
            "INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, batch_id, account_state) VALUES (?, ?, ?, ?, ?, ?, ?)",
            enrolment.user.rawValue, enrolment.package.rawValue, enrolment.enrolledAt.millisecondsSinceEpoch, enrolment.source.rawValue,
            enrolment.forced, batch, account.rawValue)
    }

    private mutating func append(
        actor: String, kind: String, user: Int64? = nil, package: String? = nil, lecture: String? = nil, at: Int64? = nil,
        effect: String? = nil, policy: String? = nil, batch: Int64? = nil, detail: JSONObject
    ) throws {
        let record = LegacyAuditRecord(
            recordedAt: recordedAt, actor: actor, kind: kind, user: user, package: package, lecture: lecture, at: at, effect: effect,
            policyHash: policy, batch: batch, detail: JSONValue.object(detail).serialized())
        rows += 1
        let hash = LegacyAuditChain.hash(seq: rows, record: record, previous: previous, scratch: &scratch)
        try connection.run(
            "INSERT INTO audit_log(\(Store.legacyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, record.recordedAt,
            actor, kind, user, package, lecture, at, effect, policy, batch, record.detail, previous, hash)
        previous = hash
    }

    private static func json(_ reason: Reason) -> JSONValue {
        [
            "code": .string(reason.code.rawValue), "rule": reason.rule.map { .string($0.rawValue) } ?? .null,
            "message": .string(reason.message),
        ]
    }

    private static func json(_ miss: NearestMiss) -> JSONValue {
        ["rule": .string(miss.rule.rawValue), "clauses": .array(miss.failedClauses.map(json))]
    }

    private static func json(_ facts: Facts) -> JSONValue {
        var object = JSONObject()
        object["account"] = .string(facts.account.rawValue)
        object["profession"] = .string(facts.profession.rawValue)
        object["country"] = facts.country.map { .string($0.rawValue) } ?? .null
        object["subscription"] = .string(facts.subscription.rawValue)
        object["enrolments"] = .array(
            facts.enrolments.map { enrolment in
                [
                    "package": .string(enrolment.package.rawValue),
                    "enrolledAt": .number(JSONNumber(enrolment.enrolledAt.millisecondsSinceEpoch)),
                    "withdrawnAt": enrolment.withdrawnAt.map { .number(JSONNumber($0.millisecondsSinceEpoch)) } ?? .null,
                ]
            })
        return .object(object)
    }
}
