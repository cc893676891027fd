import AdmitDomain
import AdmitStore
import Foundation
import Logging
import Synchronization

/// PostgreSQL's ``Storage``: Admit's use cases on a ``PostgresStore``, one connection, and one
/// writer's chain of the audit log.
///
/// Opening connects, brings the schema up to date and registers the writer (by name: processes
/// sharing a name append to one chain, one after the other). The store's async operations run on
/// a thread of their own while the caller waits (``BlockingRunner``).
///
/// When the connection is lost (the server restarted, the backend was terminated), the operation
/// under way fails with the driver's error and the next operation connects again first. Every
/// operation that returned was committed; one that failed this way may or may not have been
/// (its commit's reply lost), so a caller never answers before it returns.
public final class PostgresStorage: Storage {
    public let location: String
    private let url: PostgresURL
    private let logger: Logger
    private let runner: BlockingRunner
    private var store: PostgresStore
    /// The chain this process appends to.
    public let writer: PostgresWriter

    public var writerName: String? { writer.name }
    private var isClosed = false
    /// An operation timed out: the connection is replaced before the next one.
    private var broken = false
    /// A transaction spans operations (an import's chunk): a lost connection fails it, never
    /// silently continues on a new one.
    private var inTransaction = false

    /// Connects to `url` (a `postgresql://` URL; `PGPASSWORD` when it has no password), migrates,
    /// and registers the writer `writerName` (first registered at `now`).
    public init(url text: String, writerName: String, at now: Instant, logger: Logger) throws(StoreError) {
        let location = PostgresURL.masked(text)
        let runner = BlockingRunner(name: "admit.postgres")
        do throws(PostgresStoreError) {
            let url = try PostgresURL(parsing: text, environment: ProcessInfo.processInfo.environment)
            let (store, writer) = try runner.run { () async throws(PostgresStoreError) -> (PostgresStore, PostgresWriter) in
                let store = try await PostgresStore.open(url, logger: logger)
                do throws(PostgresStoreError) {
                    return (store, try await store.registerWriter(name: writerName, at: now))
                } catch {
                    await store.close()
                    throw error
                }
            }
            self.location = location
            self.url = url
            self.logger = logger
            self.runner = runner
            self.store = store
            self.writer = writer
            watchClosing(store)
        } catch {
            runner.stop()
            throw StoreError(.server(error.description), path: location)
        }
    }

    deinit { close() }

    /// The catalog of the database at `url`, read without migrating or registering a writer
    /// (`admit policy check` validates against it).
    public static func catalog(url text: String, logger: Logger) throws(StoreError) -> Catalog {
        let location = PostgresURL.masked(text)
        let runner = BlockingRunner(name: "admit.postgres")
        defer { runner.stop() }
        do throws(PostgresStoreError) {
            let url = try PostgresURL(parsing: text, environment: ProcessInfo.processInfo.environment)
            return try runner.run { () async throws(PostgresStoreError) -> Catalog in
                let store = try await PostgresStore.connect(url, logger: logger)
                do throws(PostgresStoreError) {
                    let catalog = try await store.catalog()
                    await store.close()
                    return catalog
                } catch {
                    await store.close()
                    throw error
                }
            }
        } catch {
            throw StoreError(.server(error.description), path: location)
        }
    }

    /// How long an operation may take before the connection is taken for dead (a server that
    /// stopped answering without closing it) and the next operation connects again.
    public static let operationTimeout: Duration = .seconds(30)

    /// Runs a store operation to its end, turning its error into a `StoreError`. `timeout` nil:
    /// none (verification, seeding: long by nature).
    func run<T: Sendable>(
        timeout: Duration? = PostgresStorage.operationTimeout, _ operation: @escaping @Sendable (PostgresStore) async throws -> T
    ) throws(StoreError) -> T {
        guard !isClosed else { throw StoreError(.server("the PostgreSQL storage was closed"), path: location) }
        if broken || store.isClosed {
            if inTransaction {
                throw StoreError(
                    .server("the connection to PostgreSQL at \(url.host):\(url.port) was lost: the open chunk was not committed"),
                    path: location)
            }
            try reconnect()
        }
        let store = self.store
        let pending = runner.start { () async throws -> T in try await operation(store) }
        underWay.operation.withLock { $0 = (ObjectIdentifier(store), { pending.abandon($0) }) }
        defer { underWay.operation.withLock { $0 = nil } }
        if store.isClosed { pending.abandon(connectionClosed()) }  // closed before it was watched
        do {
            if let timeout { return try pending.wait(timeout: timeout) }
            return try pending.wait()
        } catch let error as PostgresStoreError {
            // The connection is ending: do not send the next operation down it (the driver may
            // not say it is closed yet, and a query sent then can go unanswered).
            switch error {
            case .connection, .unreachable: broken = true
            default: break
            }
            throw StoreError(.server(error.description), path: location)
        } catch let error as BlockingRunner.TimedOut {
            broken = true
            logger.warning("PostgreSQL did not answer; connecting again at the next operation", metadata: ["after": "\(error.after)"])
            throw StoreError(.server("PostgreSQL at \(url.host):\(url.port): \(error)"), path: location)
        } catch {
            throw StoreError(.server("\(error)"), path: location)
        }
    }

    /// Ends the wait for the operation under way, if any (the connection it runs on closed).
    private let underWay = UnderWay()

    private final class UnderWay: Sendable {
        /// The connection (its store) the operation runs on, and how to end the wait for it.
        let operation = Mutex<(store: ObjectIdentifier, abandon: @Sendable (any Error) -> Void)?>(nil)
    }

    /// Has the operation under way on `store`'s connection fail as soon as the connection closes:
    /// the driver can leave a query unanswered when the server closes the connection as it is
    /// sent (a restart, a terminated backend), and the caller would wait for the operation
    /// timeout, 30 s, with the service's every request behind it.
    private func watchClosing(_ store: PostgresStore) {
        let error = connectionClosed()
        // Only an operation on this connection: a replaced one can finish closing later, under an
        // operation on its successor. (The closure holds the store, so its identity is not reused
        // before the connection has closed.)
        store.whenClosed { [underWay, store] in
            underWay.operation.withLock { $0?.store == ObjectIdentifier(store) ? $0?.abandon : nil }?(error)
        }
    }

    private func connectionClosed() -> PostgresStoreError {
        .connection(host: url.host, port: url.port, cause: "the server closed the connection before it answered")
    }

    /// Replaces a closed connection with a new one (the schema and the writer are known).
    private func reconnect() throws(StoreError) {
        let url = self.url
        let logger = self.logger
        let old = self.store
        // The old connection is closed on the side: a dead one may never answer its close.
        Task(executorPreference: runner) { await old.close() }
        do {
            // A deadline: a connection the server closes as it starts may never be answered.
            store = try runner.run(timeout: Self.operationTimeout) { () async throws -> PostgresStore in
                try await PostgresStore.connect(url, logger: logger)
            }
        } catch let error as PostgresStoreError {
            throw StoreError(.server(error.description), path: location)
        } catch {
            throw StoreError(.server("PostgreSQL at \(url.host):\(url.port): \(error)"), path: location)
        }
        broken = false
        watchClosing(store)
        logger.notice("reconnected to PostgreSQL", metadata: ["server": "\(url.host):\(url.port)"])
    }

    public func isUnseeded() throws(StoreError) -> Bool { try run { try await $0.isUnseeded() } }

    public func seed(_ catalog: Catalog, users: [SeedEntry], _ context: ChangeContext) throws(StoreError) {
        let writer = self.writer
        try run(timeout: nil) { try await $0.seed(catalog, users: users, context, writer: writer) }
    }

    public func catalog() throws(StoreError) -> Catalog { try run { try await $0.catalog() } }

    public func policyFiles(hash: String) throws(StoreError) -> [StoredPolicyFile]? { try run { try await $0.policyFiles(hash: hash) } }

    public func latestPolicyHash() throws(StoreError) -> String? { try run { try await $0.latestPolicyHash() } }

    public func commitPolicyVersion(hash: String, files: [StoredPolicyFile], event: EventRecord) throws(StoreError) -> Bool {
        let writer = self.writer
        return try run { try await $0.commitPolicyVersion(hash: hash, files: files, event: event, writer: writer) }
    }

    public func commitEvent(_ event: EventRecord) throws(StoreError) {
        let writer = self.writer
        try run { try await $0.commitEvent(event, writer: writer) }
    }

    public func userCount() throws(StoreError) -> Int { try run { try await $0.userCount() } }

    public func userState(_ id: UserID) throws(StoreError) -> UserState? { try run { try await $0.userState(id) } }

    public func userID(email: EmailAddress) throws(StoreError) -> UserID? { try run { try await $0.userID(email: email) } }

    public func userState(_ id: UserID, version: Int64) throws(StoreError) -> UserState? {
        try run { try await $0.userState(id, version: version) }
    }

    /// One statement per 10,000 (a listing of decisions would otherwise ask once per decision).
    public func userStates(_ keys: [UserVersion]) throws(StoreError) -> [UserVersion: UserState] {
        let unique = Array(Set(keys))
        var states: [UserVersion: UserState] = [:]
        var start = 0
        while start < unique.count {
            let page = Array(unique[start..<min(start + 10_000, unique.count)])
            states.merge(try run { try await $0.userStates(page) }) { first, _ in first }
            start += page.count
        }
        return states
    }

    public func decisionRow(writer: String?, seq: Int64) throws(StoreError) -> DecisionLookup {
        try run { try await $0.decisionRow(writer: writer, seq: seq) }
    }

    /// Reads every writer's state rows after `position` (all of them when it is new), 10,000 at a
    /// time, and calls `body` with each on this thread. Every call asks the server (one index
    /// range scan per writer), so a replica learns of another's change at its next use case.
    public func forEachState(
        after position: inout FeedPosition,
        _ body: (_ user: UserID, _ version: Int64, _ email: EmailAddress, _ facts: Facts, _ externalID: String?) throws -> Void
    ) throws(StoreError) {
        let page = 10_000
        while true {
            let seqs = position.seqs
            let changes = try run { try await $0.changes(after: seqs, limit: page) }
            for change in changes {
                let state = change.state
                do {
                    try body(state.user.id, state.version, state.user.email, state.facts, state.user.externalID)
                } catch let error as StoreError {
                    throw error
                } catch {
                    throw StoreError(.other("\(error)"), path: location)
                }
                position.seqs[change.writer] = change.seq
            }
            if changes.count < page { return }
        }
    }

    public func decisionsOnlyWritten(_ position: inout FeedPosition) {}

    public func commitEnrolment(_ enrolment: Enrolment, _ context: ChangeContext) throws(StoreError) -> EnrolmentInsert {
        let writer = self.writer
        return try run { try await $0.commitEnrolment(enrolment, context, writer: writer) }
    }

    public func commitWithdrawal(user: UserID, from package: PackageID, at: Instant, _ context: ChangeContext) throws(StoreError)
        -> Enrolment?
    {
        let writer = self.writer
        return try run { try await $0.commitWithdrawal(user: user, from: package, at: at, context, writer: writer) }
    }

    public func commitDecisions(_ decisions: [DecisionRecord]) throws(StoreError) -> [Int64] {
        let writer = self.writer
        return try run { try await $0.append(decisions, writer: writer) }
    }

    /// Verifies every writer's chain and the tables against the log; `progress` gets the rows
    /// checked once, at the end.
    public func verifyAudit(progress: (Int64) -> Void) throws(StoreError) -> AuditVerification {
        let verification = try run(timeout: nil) { try await $0.verifyAudit() }
        progress(verification.rows)
        return verification
    }

    // MARK: Copying a SQLite database in (`admit copy`)

    /// Writes the catalog and the policy versions into this database, which must be empty.
    public func beginCopy(catalog: Catalog, policies: [(hash: String, firstLoadedAt: Instant, files: [StoredPolicyFile])])
        throws(StoreError)
    {
        try run { try await $0.beginCopy(catalog: catalog, policies: policies) }
    }

    /// Copies users with their states, in one transaction.
    public func copyUsers(_ states: [UserState], _ context: ChangeContext) throws(StoreError) {
        let writer = self.writer
        try run { try await $0.copyUsers(states, context, writer: writer) }
    }

    /// Ends a copy: new users' ids continue after the copied ones.
    public func finishCopy() throws(StoreError) {
        try run { try await $0.finishCopy() }
    }

    /// Makes the decision log's day partitions for `days`, and drops those before `dropBefore`
    /// (``PostgresStore/managePartitions(create:dropBefore:at:)``).
    public func managePartitions(create days: [LocalDate], dropBefore: LocalDate?, at now: Instant) throws(StoreError) -> PartitionReport {
        try run(timeout: .seconds(120)) { try await $0.managePartitions(create: days, dropBefore: dropBefore, at: now) }
    }

    // MARK: Imports (`admit register`)

    public func commitImportStart(fileName: String, sha256: String, event: EventRecord) throws(StoreError) -> Int64 {
        let writer = self.writer
        return try run { try await $0.beginImport(fileName: fileName, sha256: sha256, event: event, writer: writer) }
    }

    public func commitImportEnd(_ batch: Int64, status: ImportBatch.Status, sha256: String, counts: String, event: EventRecord)
        throws(StoreError)
    {
        let writer = self.writer
        try run { try await $0.finishImport(batch, status: status, sha256: sha256, counts: counts, event: event, writer: writer) }
    }

    public func importWriter(batch: Int64?, actor: String) throws(StoreError) -> any ImportWriter {
        PostgresImportSession(storage: self, batch: batch, actor: actor)
    }

    /// Opens a transaction that the next operations run in, until `commitTransaction` or `rollbackTransaction`.
    ///
    /// Its statements find rows by key; sequential scans are turned off in it because a table
    /// that an import is filling has no statistics yet, and the planner then scans all of `users`
    /// for each batch of addresses (6 ms per 500 at 20,000 users, growing with the table).
    func beginTransaction() throws(StoreError) {
        try run { store in
            try await store.execute("BEGIN")
            try await store.execute("SET LOCAL enable_seqscan = off")
            // A lock another process holds longer fails the statement with a clear error, before
            // the operation's own deadline takes the connection for dead.
            try await store.execute("SET LOCAL lock_timeout = '20s'")
        }
        inTransaction = true
    }

    /// Runs `operation`, which ends with `COMMIT`, and ends the transaction (rolled back when it fails).
    func commitTransaction(timeout: Duration, _ operation: @escaping @Sendable (PostgresStore) async throws -> Void) throws(StoreError) {
        do {
            try run(timeout: timeout, operation)
        } catch {
            rollbackTransaction()
            throw error
        }
        inTransaction = false
    }

    /// Rolls the open transaction back (best effort: a lost connection has rolled it back already).
    func rollbackTransaction() {
        guard inTransaction else { return }
        inTransaction = false
        if !broken, !store.isClosed { _ = try? run { try await $0.execute("ROLLBACK") } }
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        let store = self.store
        _ = try? runner.run(timeout: .seconds(5)) { () async -> Void in await store.close() }
        runner.stop()
    }
}

extension PostgresStorage: ReportStore {
    public func reportIndexBacklog() throws(StoreError) -> Int64 { try run { try await $0.reportBacklog() } }

    /// Catches the report tables up (no deadline: a large backlog takes a while); `progress` gets
    /// the rows read once, at the end.
    public func refreshReportIndexes(progress: (Int64, Int64) -> Void) throws(StoreError) -> Int64 {
        let read = try run(timeout: nil) { try await $0.refreshReports() }
        progress(read, read)
        return read
    }

    public func decisions(_ query: DecisionQuery) throws(StoreError) -> [AuditEntry] {
        try run(timeout: .seconds(300)) { try await $0.decisions(query) }
    }

    /// Reads the enrolments 10,000 at a time and calls `body` with each on this thread.
    public func forEachEnrolment(_ scope: EnrolmentScope, _ body: (EnrolmentValues) throws -> Void) throws(StoreError) {
        var position: (user: Int64, at: Int64, id: Int64)?
        repeat {
            let after = position
            let page = try run { try await $0.enrolmentPage(scope, after: after, limit: 10_000) }
            for row in page.rows {
                do { try body(row) } catch let error as StoreError { throw error } catch {
                    throw StoreError(.other("\(error)"), path: location)
                }
            }
            position = page.next
        } while position != nil
    }

    public func opensWithoutEnrolment(_ scope: EnrolmentScope, limit: Int?) throws(StoreError) -> (
        count: Int64, rows: [OpenWithoutEnrolment]
    ) {
        try run(timeout: .seconds(300)) { try await $0.opensWithoutEnrolment(scope, limit: limit) }
    }

    public func user(id: UserID) throws(StoreError) -> User? { try run { try await $0.user(id: id, email: nil) } }

    public func user(email: EmailAddress) throws(StoreError) -> User? { try run { try await $0.user(id: nil, email: email) } }

    public func enrolments(of user: UserID) throws(StoreError) -> [Enrolment] { try run { try await $0.enrolments(of: user) } }

    /// Reads the package's enrolments 10,000 at a time and calls `body` with each on this thread.
    public func forEachEnrolment(in package: PackageID, _ body: (User, Enrolment) throws -> Void) throws(StoreError) {
        var position: (user: Int64, at: Int64, id: Int64)?
        repeat {
            let after = position
            let page = try run { try await $0.exportPage(package, after: after, limit: 10_000) }
            for (user, enrolment) in page.rows {
                do {
                    try body(user, enrolment)
                } catch let error as StoreError {
                    throw error
                } catch {
                    throw StoreError(.other("\(error)"), path: location)
                }
            }
            position = page.next
        } while position != nil
    }
}
