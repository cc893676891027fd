import AdmitDomain
import AdmitJSON
import AdmitPostgres
import AdmitStore
import Foundation

/// What `copy(to:)` copied.
public struct CopySummary: Sendable, Hashable {
    /// The PostgreSQL database, its password masked.
    public let target: String
    /// The writer whose chain holds the copied states.
    public let writer: String
    public let users: Int
    public let enrolments: Int
    public let policyVersions: Int
    public let elapsed: Duration

    /// The fields of `admit copy --json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["target"] = .string(target)
        object["writer"] = .string(writer)
        object["users"] = .number(JSONNumber(Int64(users)))
        object["enrolments"] = .number(JSONNumber(Int64(enrolments)))
        object["policyVersions"] = .number(JSONNumber(Int64(policyVersions)))
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        object["milliseconds"] = .number(JSONNumber(milliseconds))
        return .object(object)
    }
}

extension Admission {
    /// Copies this SQLite database into the new, empty PostgreSQL database at `url` (for when one
    /// machine is no longer enough): the catalog, every policy version, and every user with their
    /// latest state and enrolments, under the same ids, in transactions of `batch` users.
    ///
    /// Each user's state becomes a `user.state` row (same id and version) in the chain of the
    /// writer `copy`; the SQLite file keeps the log before it (decisions, imports, earlier states).
    /// A copy that stops half-way leaves the target not empty, and a new copy refuses it: drop
    /// and create the database, then copy again. `progress` gets users copied and the total.
    public func copy(to url: String, batch: Int = 1_000, progress: ((RegistrationProgress) -> Void)? = nil) throws(AdmitError)
        -> CopySummary
    {
        let store = try sqliteStore(for: "copy")
        let started = ContinuousClock.now
        let writer = "copy"
        let target = try perform { () throws(StoreError) in
            try PostgresStorage(url: url, writerName: writer, at: clock.now(), logger: logger)
        }
        defer { target.close() }
        return try perform { () throws(StoreError) in
            // One read transaction: the copy is the source as of one instant, whatever writes meanwhile.
            try store.read {
                let versions = try store.policyVersions()
                var policies: [(hash: String, firstLoadedAt: Instant, files: [StoredPolicyFile])] = []
                for version in versions {
                    policies.append((version.hash, version.firstLoadedAt, try store.policyFiles(hash: version.hash) ?? []))
                }
                try target.beginCopy(catalog: catalog, policies: policies)
                let ids = try store.userIDs()
                let context = ChangeContext(recordedAt: clock.now(), actor: configuration.actor)
                var copied = 0
                var enrolments = 0
                var start = 0
                while start < ids.count {
                    let chunk = ids[start..<min(start + Swift.max(1, batch), ids.count)]
                    var states: [UserState] = []
                    states.reserveCapacity(chunk.count)
                    for id in chunk {
                        guard let state = try store.userState(id) else {
                            throw StoreError(.noState(user: id.rawValue, email: nil), path: store.path)
                        }
                        states.append(state)
                        enrolments += state.enrolments.count
                    }
                    try target.copyUsers(states, context)
                    copied += states.count
                    start += chunk.count
                    progress?(
                        RegistrationProgress(
                            rows: copied, bytes: Int64(copied), totalBytes: Int64(ids.count), elapsed: ContinuousClock.now - started))
                }
                // The version the source uses now, named in the copy's log, is the one a replica
                // started without a policy folder takes.
                if let latest = try store.latestPolicyHash(), let files = try store.policyFiles(hash: latest) {
                    try target.commitEvent(
                        EventRecord(
                            recordedAt: clock.now(), actor: configuration.actor, kind: .policyLoaded, policyHash: latest,
                            detail: AuditDetail.policyLoaded(files: files.map(\.path))))
                }
                try target.finishCopy()
                return CopySummary(
                    target: target.location, writer: writer, users: copied, enrolments: enrolments, policyVersions: policies.count,
                    elapsed: ContinuousClock.now - started)
            }
        }
    }
}
