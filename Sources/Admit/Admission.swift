import AdmitDomain
import AdmitPostgres
import AdmitRules
import AdmitStore
import Foundation
import Logging

/// Admit's use cases over one database and one policy: check, when, enrol, unenrol, audit.
///
/// Opening it creates and seeds the database on first use and loads the policy, storing every
/// new policy version. The CLI and the service are thin fronts over this type.
///
/// Not thread-safe (it owns a database connection): use it from one thread or task at a time.
public final class Admission {
    public let configuration: AdmitConfiguration
    /// The database: SQLite's `Store` or PostgreSQL's `PostgresStorage`.
    package let storage: any Storage
    public private(set) var catalog: Catalog
    public private(set) var policy: LoadedPolicy
    public let clock: any InstantClock
    public let logger: Logger
    /// Every user's facts, once `holdFactsInMemory()` was called (the service); otherwise each
    /// use case reads the users it needs from the store.
    var resident: ResidentFacts?
    /// Decisions' words and reply JSON, rendered once per code and values.
    let rendered = RenderCache()
    /// Policy versions of logged decisions, compiled, by hash.
    var storedPolicies: [String: LoadedPolicy] = [:]
    /// The catalog's lectures in a list, and each one's place in it by id.
    private(set) var lectures: [Lecture] = []
    private(set) var lectureNumbers: [String: Int] = [:]
    /// Checkpoints the WAL on its own thread once `checkpointInBackground()` was called.
    var checkpointer: Checkpointer?
    /// How far `resident` has read the state rows.
    var residentPosition = FeedPosition()

    /// Opens (creating and seeding when new) the configured database and loads the policy.
    public init(configuration: AdmitConfiguration, clock: any InstantClock = SystemClock(), logger: Logger = Logger(label: "admit"))
        throws(AdmitError)
    {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let path = configuration.databasePath
        let isPostgres = PostgresURL.isPostgresURL(path)
        let isNew = !isPostgres && (path == ":memory:" || !FileManager.default.fileExists(atPath: path))
        // Read the seeds before creating a file, so a wrong folder leaves no empty database behind.
        let seeds = isNew ? try Seeds.read(from: configuration.seedsDirectory) : nil
        do throws(StoreError) {
            if isPostgres {
                storage = try PostgresStorage(
                    url: path, writerName: configuration.writerName ?? AdmitConfiguration.writerName(), at: clock.now(), logger: logger)
            } else {
                storage = try Store(path: path, create: isNew, busyTimeout: configuration.busyTimeout)
            }
        } catch {
            throw AdmitError(error)
        }
        do {
            if try storage.isUnseeded() {
                let seeds = try seeds ?? Seeds.read(from: configuration.seedsDirectory)
                try Admission.seed(storage, with: seeds, at: clock.now(), logger: logger)
            }
            let loaded = try storage.catalog()
            catalog = loaded
            let list = loaded.packages.flatMap(\.lectures)
            lectures = list
            lectureNumbers = Dictionary(
                list.enumerated().map { ($0.element.id.rawValue, $0.offset) }, uniquingKeysWith: { first, _ in first })
        } catch let error as AdmitError {
            storage.close()
            throw error
        } catch let error as StoreError {
            storage.close()
            throw AdmitError(error)
        } catch {
            storage.close()
            throw AdmitError.database(StoreError(.other("\(error)"), path: storage.location))
        }
        do {
            policy = try Admission.loadPolicy(configuration, storage: storage, catalog: catalog)
            try recordPolicyVersion()
        } catch {
            storage.close()
            throw error
        }
    }

    /// Re-reads the policy files (the service's `policy.reload`); the old policy stays on any error.
    /// `actor` is recorded if the version is new (default: the configuration's).
    public func reloadPolicy(actor: String? = nil) throws(AdmitError) -> PolicyVersion {
        let loaded = try Admission.loadPolicy(configuration, storage: storage, catalog: catalog)
        policy = loaded
        rendered.clear()  // the words belong to the old policy
        try recordPolicyVersion(actor: actor)
        return loaded.version
    }

    /// Reads and validates the policy files that `reloadPolicy` would load, without loading them
    /// (for `policy.diff` and a dry-run reload).
    public func readConfiguredPolicy() throws(AdmitError) -> LoadedPolicy {
        try Admission.loadPolicy(configuration, storage: storage, catalog: catalog)
    }

    /// Stores the current policy version if it is new, with a `policy.loaded` audit row.
    private func recordPolicyVersion(actor: String? = nil) throws(AdmitError) {
        let version = policy.version
        let files = policy.sources.map { StoredPolicyFile(path: $0.path, text: $0.text) }
        let now = clock.now()
        let actor = actor ?? configuration.actor
        let event = EventRecord(
            recordedAt: now, actor: actor, kind: .policyLoaded, policyHash: version.hash,
            detail: AuditDetail.policyLoaded(files: files.map(\.path)))
        _ = try perform { () throws(StoreError) in try storage.commitPolicyVersion(hash: version.hash, files: files, event: event) }
    }

    private static func loadPolicy(_ configuration: AdmitConfiguration, storage: any Storage, catalog: Catalog) throws(AdmitError)
        -> LoadedPolicy
    {
        let existing = configuration.policyPaths.filter { FileManager.default.fileExists(atPath: $0) }
        if configuration.policyPathsGiven || !existing.isEmpty {
            let (policies, tests) = try LoadedPolicy.readFiles(at: configuration.policyPaths)
            guard !policies.isEmpty else {
                throw .policyMissing(.noPolicyFile(paths: configuration.policyPaths, testsFound: false))
            }
            return try LoadedPolicy(sources: policies, tests: tests, catalog: catalog)
        }
        // No policy folder here: use the version this database last used.
        let files: [StoredPolicyFile]?
        do {
            files = try storage.latestPolicyHash().map { hash throws(StoreError) in try storage.policyFiles(hash: hash) } ?? nil
        } catch {
            throw AdmitError(error)
        }
        if let files {
            return try LoadedPolicy(sources: files.map { PolicySource(path: $0.path, text: $0.text) }, catalog: catalog)
        }
        throw .policyMissing(.noPolicy(paths: configuration.policyPaths))
    }

    private static func seed(_ storage: any Storage, with seeds: Seeds, at now: Instant, logger: Logger) throws {
        var emails = Set<String>()
        for seedUser in seeds.users where !emails.insert(seedUser.user.email.normalized).inserted {
            throw AdmitError.seedsInvalid(path: "users.json", reason: "user '\(seedUser.user.email)' appears twice")
        }
        let entries = seeds.users.map { SeedEntry(user: $0.user, enrolments: $0.enrolments) }
        try storage.seed(seeds.catalog, users: entries, ChangeContext(recordedAt: now, actor: "seed"))
        logger.info("seeded a new database", metadata: ["packages": "\(seeds.catalog.packages.count)", "users": "\(seeds.users.count)"])
    }

    /// Moves WAL checkpoints off this connection to a `Checkpointer` thread, for a long-running
    /// process (the service) whose commits must not wait for disk syncs. `close()` stops it.
    public func checkpointInBackground() throws(AdmitError) {
        guard checkpointer == nil, let store = storage as? Store, store.path != ":memory:" else { return }
        try perform { () throws(StoreError) in
            try store.disableAutomaticCheckpoints()
            // The final checkpoint waits for other processes no longer than any other write does.
            let checkpointer = try Checkpointer(path: store.path, busyTimeout: configuration.busyTimeout)
            checkpointer.start()
            self.checkpointer = checkpointer
        }
    }

    /// Closes the database; the admission cannot be used afterwards. Every decision is already
    /// in the log (each batch is written before it is answered); closing checkpoints the WAL.
    public func close() {
        if let checkpointer {
            do { try checkpointer.stop() } catch { logger.warning("the final checkpoint failed", metadata: ["error": "\(error)"]) }
            self.checkpointer = nil
        }
        storage.close()
    }

    /// The SQLite store, for the use cases that run on SQLite only so far (`feature` names the
    /// one asked for); on PostgreSQL they fail with `.notOnPostgresYet`.
    package func sqliteStore(for feature: String) throws(AdmitError) -> Store {
        guard let store = storage as? Store else { throw .notOnPostgresYet(feature: feature, url: storage.location) }
        return store
    }

    /// The store's reports (both stores have them; `feature` names the command for the error a
    /// store without them would give).
    func reportStore(for feature: String) throws(AdmitError) -> any ReportStore {
        guard let reports = storage as? any ReportStore else { throw .notOnPostgresYet(feature: feature, url: storage.location) }
        return reports
    }

    /// The SQLite store, for this package's tests (the use cases call `sqliteStore(for:)`).
    package var store: Store {
        get throws(AdmitError) { try sqliteStore(for: "(a test)") }
    }

    /// Runs a store operation, turning its error into an `AdmitError`.
    func perform<T>(_ body: () throws(StoreError) -> T) throws(AdmitError) -> T {
        do { return try body() } catch { throw AdmitError(error) }
    }

    // MARK: Facts

    /// Loads every user's facts from the audit log's state rows and keeps them in memory from
    /// now on (`ResidentFacts`): a long-running process's checks then read no SQL. Returns how
    /// many users were loaded and the memory they take.
    @discardableResult
    public func holdFactsInMemory() throws(AdmitError) -> (users: Int, bytesPerUser: Double) {
        let facts = ResidentFacts()
        facts.reserve(users: try perform { () throws(StoreError) in try storage.userCount() })
        resident = facts
        residentPosition = FeedPosition()
        try refreshFacts()
        return (facts.count, facts.bytesPerUser)
    }

    /// Brings the facts in memory up to the audit log's state rows committed since they were last
    /// brought up to it, by any process (the store tells cheaply when there are none). Every use
    /// case calls it first; `check(_:)` once per batch.
    func refreshFacts() throws(AdmitError) {
        guard let resident else { return }
        try perform { () throws(StoreError) in
            try storage.forEachState(after: &residentPosition) { user, version, email, facts, externalID in
                // Writers' rows come writer by writer: an older version may follow a newer one.
                if resident.apply(user: user, version: version, email: email, facts: facts) {
                    resident.setExternalID(externalID, of: user)
                }
            }
        }
    }

    /// Notes that this connection's latest writes (decisions only) changed no fact.
    func factsUnchangedByOwnWrites() {
        storage.decisionsOnlyWritten(&residentPosition)
    }

    /// The user named by `reference` (a numeric id, or an email address, normalised before
    /// lookup) with the facts of their latest state in the audit log.
    func resolve(_ reference: String) throws(AdmitError) -> ResolvedUser {
        if let resident {
            guard let slot = resident.slot(reference: reference) else { throw .unknownUser(reference) }
            let email = slot.isAddress ? EmailAddress(storedNormalized: reference) : resident.email(slot)
            return ResolvedUser(
                reference: UserReference(id: resident.id(slot), email: email, externalID: resident.externalID(slot)),
                version: resident.version(slot),
                facts: resident.facts(slot))
        }
        let state = try perform { () throws(StoreError) -> UserState? in
            let trimmed = reference.trimmingWhitespace()
            if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let id = Int64(trimmed) {
                return try storage.userState(UserID(id))
            }
            guard let email = try? EmailAddress(reference), let id = try storage.userID(email: email) else { return nil }
            return try storage.userState(id)
        }
        guard let state else { throw .unknownUser(reference) }
        return ResolvedUser(reference: state.user.reference, version: state.version, facts: state.facts)
    }

    /// The user named by `reference`: a numeric id, or an email address (normalised before lookup).
    public func user(_ reference: String) throws(AdmitError) -> UserReference {
        try refreshFacts()
        return try resolve(reference).reference
    }

    /// The lecture with this identifier and its number in the catalog (one lookup, for the hot path).
    func numberedLecture(_ id: String) throws(AdmitError) -> (Lecture, Int) {
        guard let number = lectureNumbers[id] else { return (try lecture(id), -1) }
        return (lectures[number], number)
    }

    /// The lecture with this identifier.
    public func lecture(_ id: String) throws(AdmitError) -> Lecture {
        guard let lecture = catalog.lecture(LectureID(id)) else {
            throw .unknownLecture(id, suggestion: Suggestions.closest(to: id, in: catalog.lectureIDs.map(\.rawValue)))
        }
        return lecture
    }

    /// The package with this identifier.
    public func package(_ id: String) throws(AdmitError) -> Package {
        guard let package = catalog.package(PackageID(id)) else {
            throw .unknownPackage(id, suggestion: Suggestions.closest(to: id, in: catalog.packages.map(\.id.rawValue)))
        }
        return package
    }

}

extension AdmitError {
    /// The store's error in Admit's words.
    init(_ error: StoreError) { self = .database(error) }
}

/// A user as a decision sees them: who, the version of their state in the audit log, and the
/// facts of that state.
struct ResolvedUser: Sendable {
    let reference: UserReference
    let version: Int64
    let facts: Facts
}
