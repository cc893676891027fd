import AdmitDomain
import AdmitPostgres
import AdmitStore
import AdmitTestSupport
import Foundation
import Synchronization
import Testing

/// What the use cases need of a database (`Storage`), asked of both implementations alike:
/// SQLite's `Store` and `PostgresStorage`, each on a new database of its own. (The tests beside
/// this one ask SQLite's own API; `AdmitPostgresTests` ask PostgreSQL's.)
@Suite struct StorageContractTests {
    /// A new database of `kind` opened as `Storage`, seeded with the fixtures' catalog and Ada;
    /// the storage is closed before the database goes.
    final class Opened {
        let database: TestDatabase
        let storage: any Storage
        let ada: UserID

        deinit { storage.close() }

        init(_ kind: StoreKind, users: [NewUser] = []) throws {
            database = try TestDatabase(kind, prefix: "admit-storage-tests")
            storage = try Self.open(database)
            #expect(try storage.isUnseeded())
            let seeds = ([StoreFixtures.newUser("ada@example.org")] + users).map { SeedEntry(user: $0, enrolments: []) }
            try storage.seed(StoreFixtures.catalog, users: seeds, StoreFixtures.context)
            ada = try #require(try storage.userID(email: EmailAddress("ada@example.org")))
        }

        /// Another connection to the same database (another process, as far as the log knows:
        /// on PostgreSQL, another writer).
        static func open(_ database: TestDatabase, writer: String = "storage-tests") throws -> any Storage {
            switch database.kind {
            case .sqlite: return try Store(path: database.location, busyTimeout: .seconds(10))
            case .postgres:
                return try PostgresStorage(url: database.location, writerName: writer, at: StoreFixtures.now, logger: TestServer.logger)
            }
        }

        func enrolment(at offset: Int64 = 0, in package: PackageID = "idor-2020", source: EnrolmentSource = .self) -> Enrolment {
            Enrolment(
                user: ada, package: package, enrolledAt: StoreFixtures.now.adding(milliseconds: offset), source: source,
                accountState: .active)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func seedingStoresTheCatalogAndTheUsersOnce(_ kind: StoreKind) throws {
        let quoted = StoreFixtures.newUser("o'brien+'or'1'='1@example.org", name: "O'Brien")
        let opened = try Opened(kind, users: [quoted])
        let storage = opened.storage
        #expect(try !storage.isUnseeded())
        #expect(try storage.catalog() == StoreFixtures.catalog)
        #expect(try storage.userCount() == 2)
        #expect(try storage.userID(email: EmailAddress("  ADA@Example.ORG ")) == opened.ada, "found by the normalised address")
        let obrien = try #require(try storage.userID(email: EmailAddress("o'brien+'or'1'='1@example.org")))
        let state = try #require(try storage.userState(obrien))
        #expect(state.user.name == "O'Brien" && state.user.email.normalized == "o'brien+'or'1'='1@example.org")
        #expect(state.version == 1 && state.enrolments.isEmpty)
        #expect(try storage.userID(email: EmailAddress("nobody@example.org")) == nil)
        #expect(try storage.verifyAudit(progress: { _ in }).isIntact)
    }

    @Test(arguments: StoreKind.allCases)
    func enrollingTwiceChangesNothing(_ kind: StoreKind) throws {
        let opened = try Opened(kind)
        let storage = opened.storage
        let first = opened.enrolment()
        guard case .added(let added, let state) = try storage.commitEnrolment(first, StoreFixtures.context) else {
            Issue.record("not added")
            return
        }
        #expect(added == first)
        #expect(state.enrolments == [first] && state.version == 2)
        #expect(try storage.commitEnrolment(opened.enrolment(at: 5_000), StoreFixtures.context) == .alreadyEnrolled(first))
        #expect(try storage.userState(opened.ada) == state)
        #expect(try storage.userState(opened.ada, version: 1)?.enrolments == [], "the version before it is kept")
    }

    @Test(arguments: StoreKind.allCases)
    func aWithdrawalKeepsTheHistoryAndAllowsAnotherEnrolment(_ kind: StoreKind) throws {
        let opened = try Opened(kind)
        let storage = opened.storage
        let first = opened.enrolment()
        _ = try storage.commitEnrolment(first, StoreFixtures.context)
        let out = StoreFixtures.now.adding(milliseconds: 60_000)
        #expect(try storage.commitWithdrawal(user: opened.ada, from: "idor-2020", at: out, StoreFixtures.context)?.withdrawnAt == out)
        #expect(try storage.commitWithdrawal(user: opened.ada, from: "idor-2020", at: out, StoreFixtures.context) == nil)
        let again = opened.enrolment(at: 60_001, source: .admin)
        guard case .added(let added, _) = try storage.commitEnrolment(again, StoreFixtures.context) else {
            Issue.record("not added")
            return
        }
        #expect(added == again)
        var history = first
        history.withdrawnAt = out
        #expect(try storage.userState(opened.ada)?.enrolments == [history, again])
        #expect(try storage.verifyAudit(progress: { _ in }).isIntact)
    }

    @Test(arguments: StoreKind.allCases)
    func aWithdrawalBeforeTheEnrolmentBeganAndAnUnknownPackageAreRefused(_ kind: StoreKind) throws {
        let opened = try Opened(kind)
        let storage = opened.storage
        _ = try storage.commitEnrolment(opened.enrolment(), StoreFixtures.context)
        #expect(throws: StoreError.self) {
            try storage.commitWithdrawal(
                user: opened.ada, from: "idor-2020", at: StoreFixtures.now.adding(milliseconds: -1), StoreFixtures.context)
        }
        #expect(throws: StoreError.self) { try storage.commitEnrolment(opened.enrolment(in: "nope"), StoreFixtures.context) }
        let state = try #require(try storage.userState(opened.ada))
        #expect(state.version == 2 && state.currentEnrolment(in: "idor-2020")?.withdrawnAt == nil, "nothing of either was written")
        #expect(try storage.verifyAudit(progress: { _ in }).isIntact)
    }

    /// Four connections (four processes, as far as the database knows), each on a thread of its
    /// own and started together, enrolling the same ten users at once leave one enrolment each.
    @Test(arguments: StoreKind.allCases)
    func concurrentEnrolmentsLeaveOne(_ kind: StoreKind) throws {
        let users = (0..<10).map { StoreFixtures.newUser("user\($0)@example.org") }
        let opened = try Opened(kind, users: users)
        let ids = try users.map { try #require(try opened.storage.userID(email: $0.email)) }
        let added = Mutex<[UserID: Int]>([:])
        let failures = Mutex<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for writer in 0..<4 {
            nonisolated(unsafe) let mine = try Opened.open(opened.database, writer: "writer-\(writer)")
            finished.enter()
            Thread {
                start.wait()
                for (index, id) in ids.enumerated() {
                    let at = StoreFixtures.now.adding(milliseconds: Int64(writer * 100 + index))
                    do {
                        let enrolment = Enrolment(user: id, package: "idor-2020", enrolledAt: at, source: .self, accountState: .active)
                        if case .added = try mine.commitEnrolment(enrolment, StoreFixtures.context) {
                            added.withLock { $0[id, default: 0] += 1 }
                        }
                    } catch {
                        failures.withLock { $0.append("writer \(writer), user \(id): \(error)") }
                    }
                }
                mine.close()
                finished.leave()
            }.start()
        }
        for _ in 0..<4 { start.signal() }
        finished.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(added.withLock { $0 } == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }), "one enrolment each")
        for id in ids { #expect(try opened.storage.userState(id)?.enrolments.count == 1) }
        #expect(try opened.storage.verifyAudit(progress: { _ in }).isIntact)
    }

    @Test(arguments: StoreKind.allCases)
    func aPolicyVersionIsStoredOnceWithItsFiles(_ kind: StoreKind) throws {
        let opened = try Opened(kind)  // held: the database goes with it
        let storage = opened.storage
        let files = [StoredPolicyFile(path: "Policies/a.policy", text: "permit p: any\n")]
        let loaded = EventRecord(recordedAt: StoreFixtures.now, actor: "test", kind: .policyLoaded, policyHash: "sha256:1")
        #expect(try storage.commitPolicyVersion(hash: "sha256:1", files: files, event: loaded))
        #expect(try !storage.commitPolicyVersion(hash: "sha256:1", files: files, event: loaded))
        #expect(try storage.policyFiles(hash: "sha256:1") == files)
        #expect(try storage.policyFiles(hash: "sha256:2") == nil)
        #expect(try storage.latestPolicyHash() == "sha256:1")
    }

    @Test(arguments: StoreKind.allCases)
    func decisionsAreNumberedInOrderAndFoundByTheirNumber(_ kind: StoreKind) throws {
        let opened = try Opened(kind)
        let storage = opened.storage
        let first = try storage.commitDecisions((0..<5).map { StoreFixtures.decision($0, user: opened.ada) })
        let second = try storage.commitDecisions((5..<7).map { StoreFixtures.decision($0, user: opened.ada) })
        let seqs = first + second
        #expect(seqs == Array(seqs[0]...(seqs[0] + 6)), "consecutive, in the order given: \(seqs)")
        guard case .decision(let entry, let writer) = try storage.decisionRow(writer: storage.writerName, seq: seqs[3]) else {
            Issue.record("decision \(seqs[3]) not found")
            return
        }
        #expect(entry.seq == seqs[3] && entry.kind == .decision)
        #expect(writer == storage.writerName)
        #expect(try storage.decisionRow(writer: storage.writerName, seq: seqs[6] + 1) == .notFound)
        #expect(try storage.verifyAudit(progress: { _ in }).isIntact)
    }

    /// A change made through another connection reaches this one's feed, once.
    @Test(arguments: StoreKind.allCases)
    func theFeedGivesEachChangeMadeElsewhereOnce(_ kind: StoreKind) throws {
        let opened = try Opened(kind)
        var position = FeedPosition()
        var seen: [(UserID, Int64)] = []
        try opened.storage.forEachState(after: &position) { user, version, _, _, _ in seen.append((user, version)) }
        #expect(seen.map(\.1) == [1], "the seed's state")
        let other = try Opened.open(opened.database, writer: "other")
        _ = try other.commitEnrolment(opened.enrolment(), StoreFixtures.context)
        other.close()
        seen = []
        try opened.storage.forEachState(after: &position) { user, version, _, facts, _ in
            seen.append((user, version))
            #expect(facts.enrolments.map(\.package) == ["idor-2020"])
        }
        #expect(seen.map(\.0) == [opened.ada] && seen.map(\.1) == [2])
        seen = []
        try opened.storage.forEachState(after: &position) { user, version, _, _, _ in seen.append((user, version)) }
        #expect(seen.isEmpty, "nothing twice")
    }
}
