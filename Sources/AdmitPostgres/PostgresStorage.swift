import AdmitDomain
import AdmitStore
import Foundation
import Logging

/// PostgreSQL's ``Storage``: Admit's use cases on a ``PostgresStore``, one connection, and one
/// writer's chain of the audit log.
///
/// Opening connects, brings the schema up to date and registers the writer (by name: processes
/// sharing a name append to one chain, one after the other). The store's async operations run on
/// a thread of their own while the caller waits (``BlockingRunner``).
///
/// When the connection is lost (the server restarted, the backend was terminated), the operation
/// under way fails with the driver's error, having committed nothing that was not answered, and
/// the next operation connects again first.
public final class PostgresStorage: Storage {
    public let location: String
    private let url: PostgresURL
    private let logger: Logger
    private let runner: BlockingRunner
    private var store: PostgresStore
    /// The chain this process appends to.
    public let writer: PostgresWriter
    private var isClosed = false

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
        } catch {
            runner.stop()
            throw StoreError(.server(error.description), path: location)
        }
    }

    deinit { close() }

    /// Runs a store operation to its end, turning its error into a `StoreError`.
    private func run<T: Sendable>(_ operation: @escaping @Sendable (PostgresStore) async throws -> T) throws(StoreError) -> T {
        if store.isClosed { try reconnect() }
        let store = self.store
        do {
            return try runner.run { () async throws -> T in try await operation(store) }
        } catch let error as PostgresStoreError {
            throw StoreError(.server(error.description), path: location)
        } catch {
            throw StoreError(.server("\(error)"), path: location)
        }
    }

    /// Replaces a closed connection with a new one (the schema and the writer are known).
    private func reconnect() throws(StoreError) {
        let url = self.url
        let logger = self.logger
        let old = self.store
        do throws(PostgresStoreError) {
            store = try runner.run { () async throws(PostgresStoreError) -> PostgresStore in
                await old.close()
                return try await PostgresStore.connect(url, logger: logger)
            }
        } catch {
            throw StoreError(.server(error.description), path: location)
        }
        logger.notice("reconnected to PostgreSQL", metadata: ["server": "\(url.host):\(url.port)"])
    }

    public func isUnseeded() throws(StoreError) -> Bool { try run { try await $0.isUnseeded() } }

    public func seed(_ catalog: Catalog, users: [SeedEntry], _ context: ChangeContext) throws(StoreError) {
        let writer = self.writer
        let users = UncheckedSendable(users)
        try run { try await $0.seed(catalog, users: users.value, context, writer: writer) }
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

    /// Reads every writer's state rows after `position` (all of them when it is new), in pages of
    /// 10,000 after the first read. Every call asks the server: a replica learns of another's
    /// change at its next use case, or within a second with ``listenForChanges``.
    public func forEachState(
        after position: inout FeedPosition,
        _ body: (_ user: UserID, _ version: Int64, _ email: EmailAddress, _ facts: Facts, _ externalID: String?) throws -> Void
    ) throws(StoreError) {
        let start = position.seqs
        // The body runs on the runner's thread while this thread waits for it: never at once,
        // and never after this call returns.
        let reached = try withoutActuallyEscaping(body) { body throws(StoreError) -> [Int32: Int64] in
            let body = UncheckedSendable(body)
            return try run { store -> [Int32: Int64] in
                var seqs = start
                var failure: (any Error)?
                while true {
                    let read = try await store.forEachChange(after: seqs, limit: seqs.isEmpty ? nil : 10_000) { change in
                        guard failure == nil else { return }
                        seqs[change.writer] = change.seq
                        let state = change.state
                        do {
                            try body.value(state.user.id, state.version, state.user.email, state.facts, state.user.externalID)
                        } catch {
                            failure = error
                        }
                    }
                    if let failure { throw failure }
                    if seqs.isEmpty || read < 10_000 { return seqs }
                }
            }
        }
        position.seqs = reached
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

    // MARK: Copying a SQLite database in (`admit copy`)

    /// Writes the catalog and the policy versions into this database, which must be empty.
    public func beginCopy(catalog: Catalog, policies: [(hash: String, firstLoadedAt: Instant, files: [StoredPolicyFile])])
        throws(StoreError)
    {
        let policies = UncheckedSendable(policies)
        try run { try await $0.beginCopy(catalog: catalog, policies: policies.value) }
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

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        let store = self.store
        runner.run { () async -> Void in await store.close() }
        runner.stop()
    }
}

/// A value handed to the runner's thread while its owner waits: never used from two threads at once.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
