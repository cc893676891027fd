import Admit
import AdmitDomain
import AdmitPostgres
import Foundation
import Synchronization
import Testing

/// Admit's use cases on both stores: the same calls give the same answers on SQLite and on
/// PostgreSQL, and on PostgreSQL several processes (here: several `Admission`s, each with its
/// own connection and writer, as replicas are) share one database.
@Suite struct PostgresAdmissionTests {
    enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    @Test(arguments: StoreKind.allCases)
    func checkEnrolAndUnenrolAnswerAlikeOnBothStores(_ kind: StoreKind) async throws {
        try await AdmissionPlace.with(kind) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            // The seeds: ada enrolled and active, ben active and not enrolled, cleo suspended.
            let allowed = try admission.check(
                user: "ada@example.org", lecture: "idor-2020-01", at: instant("2020-11-20T23:59:59.999+01:00"))
            #expect(allowed.decision.isAllowed)
            let closed = try admission.check(user: "ada@example.org", lecture: "idor-2020-01", at: instant("2020-11-21T00:00:00+01:00"))
            #expect(!closed.decision.isAllowed, "the free window ends at the end of 20 November, Vienna time")
            #expect(try !admission.check(user: "ben@example.org", lecture: "idor-2020-02").decision.isAllowed)
            #expect(try !admission.check(user: "cleo@example.org", lecture: "idor-2020-02").decision.isAllowed)
            #expect(closed.auditSeq == allowed.auditSeq + 1)

            let enrolled = try admission.enrol(user: "ben@example.org", package: "idor-2020")
            #expect(enrolled.result == .enrolled)
            #expect(try admission.enrol(user: "ben@example.org", package: "idor-2020").result == .alreadyEnrolled)
            #expect(try admission.check(user: "ben@example.org", lecture: "idor-2020-02").decision.isAllowed)
            let withdrawn = try admission.unenrol(user: "ben@example.org", package: "idor-2020")
            #expect(withdrawn.withdrawn?.enrolledAt == enrolled.at)
            #expect(try admission.unenrol(user: "ben@example.org", package: "idor-2020").withdrawn == nil)
            #expect(try !admission.check(user: "ben@example.org", lecture: "idor-2020-02").decision.isAllowed)
            #expect(throws: AdmitError.unknownUser("nobody@example.org")) {
                try admission.check(user: "nobody@example.org", lecture: "idor-2020-01")
            }
            // The same answers with every user's facts held in memory, as `admit serve` holds them.
            try admission.holdFactsInMemory()
            #expect(try admission.check(user: "ada@example.org", lecture: "idor-2020-39").decision.isAllowed)
            #expect(try !admission.check(user: "ben@example.org", lecture: "idor-2020-39").decision.isAllowed)
        }
    }

    @Test func reopeningFindsTheSeededDatabaseAndItsPolicyVersion() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let first = try place.open(writer: "one")
            let version = first.policy.version
            first.close()
            // No policy folder: the version the database last used.
            let again = try place.open(writer: "two", policies: false)
            defer { again.close() }
            #expect(again.policy.version == version)
            #expect(try again.check(user: "ada@example.org", lecture: "idor-2020-01").decision.isAllowed)
            #expect(try await place.integer("SELECT count(*) FROM users") == 4, "seeded once")
            #expect(try await place.integer("SELECT count(*) FROM policy_versions") == 1)
            #expect(try await place.integer("SELECT count(*) FROM audit_events WHERE kind = 'policy.loaded'") == 1)
        }
    }

    @Test func anEnrolmentThroughOneReplicaIsSeenByAnotherWithinASecond() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let a = try place.open(writer: "replica-a")
            let b = try place.open(writer: "replica-b")
            defer {
                a.close()
                b.close()
            }
            try a.holdFactsInMemory()
            try b.holdFactsInMemory()
            #expect(try !b.check(user: "ben@example.org", lecture: "idor-2020-05").decision.isAllowed)
            let started = ContinuousClock.now
            #expect(try a.enrol(user: "ben@example.org", package: "idor-2020").result == .enrolled)
            var seen = false
            while !seen, ContinuousClock.now - started < .seconds(1) {
                seen = try b.check(user: "ben@example.org", lecture: "idor-2020-05").decision.isAllowed
            }
            #expect(seen, "replica B did not see replica A's enrolment within a second")
            // And a withdrawal the other way.
            #expect(try b.unenrol(user: "ben@example.org", package: "idor-2020").withdrawn != nil)
            #expect(try !a.check(user: "ben@example.org", lecture: "idor-2020-05").decision.isAllowed)
            try await place.expectEveryChainIntact(writers: 2)
        }
    }

    @Test func twoReplicasEnrollingTheSameUsersAtOnceMakeOneEnrolmentEach() async throws {
        let users = 40
        try await AdmissionPlace.with(.postgres, extraUsers: users) { place in
            let replicas = try [place.open(writer: "replica-a"), place.open(writer: "replica-b")]
            defer { replicas.forEach { $0.close() } }
            let results = Mutex<[String: [EnrolOutcome.Result]]>([:])
            let start = DispatchSemaphore(value: 0)
            let threads = replicas.map { admission in
                // Each replica is used by its own thread only.
                nonisolated(unsafe) let replica = admission
                let thread = TestThread {
                    start.wait()
                    for index in 0..<users {
                        let email = "user\(index)@example.org"
                        do {
                            let outcome = try replica.enrol(user: email, package: "idor-2020")
                            results.withLock { $0[email, default: []].append(outcome.result) }
                        } catch {
                            Issue.record("enrolling \(email): \(error)")
                        }
                    }
                }
                return thread
            }
            start.signal()
            start.signal()
            threads.forEach { $0.join() }
            let outcomes = results.withLock { $0 }
            #expect(outcomes.count == users)
            for (email, results) in outcomes {
                #expect(results.sorted { $0.rawValue < $1.rawValue } == [.alreadyEnrolled, .enrolled], "\(email): \(results)")
            }
            #expect(try await place.integer("SELECT count(*) FROM enrolments WHERE user_id > 4") == users)
            try await place.expectEveryChainIntact(writers: 2)
        }
    }

    @Test func aReplicaConnectsAgainWhenItsConnectionIsTerminatedAndLosesNoAnsweredDecision() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            try admission.holdFactsInMemory()
            var answered = 0
            var failed = 0
            for round in 0..<3 {
                if round > 0 {
                    // As a server restart does to it: the replica's backend goes away (in the second
                    // round, the one it connected again with). CASE, so that no other test's
                    // backend is terminated: PostgreSQL may evaluate an AND's terms in any order.
                    let terminated = try await TestServer.integers(
                        """
                        SELECT count(*) FROM pg_stat_activity
                        WHERE CASE WHEN datname = current_database() AND pid <> pg_backend_pid() THEN pg_terminate_backend(pid) ELSE false END
                        """, on: place.url!)
                    #expect(terminated == [1])
                }
                let started = ContinuousClock.now
                var answeredThisRound = 0
                while answeredThisRound < 5, ContinuousClock.now - started < .seconds(10) {
                    do {
                        #expect(try admission.check(user: "ada@example.org", lecture: "idor-2020-01").decision.isAllowed)
                        answeredThisRound += 1
                    } catch {
                        failed += 1
                        #expect("\(error)".contains("127.0.0.1:\(place.url!.port)"), "\(error)")
                    }
                }
                answered += answeredThisRound
            }
            #expect(answered == 15)
            #expect(failed <= 2, "at most the request under way when the connection went")
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions") == answered, "every answered decision is in the log")
            try await place.expectEveryChainIntact(writers: 1)
        }
    }

    @Test func aCopyOfASQLiteDatabaseAnswersAsTheOriginalAndTakesChanges() async throws {
        try await AdmissionPlace.with(.sqlite, extraUsers: 2_500) { source in
            let original = try source.open(writer: "unused")
            defer { original.close() }
            #expect(try original.enrol(user: "ben@example.org", package: "idor-2020").result == .enrolled)
            _ = try original.unenrol(user: "ada@example.org", package: "idor-2020", at: instant("2020-11-16T10:00:00+01:00"))
            for index in stride(from: 0, to: 2_500, by: 7) {
                _ = try original.enrol(user: "user\(index)@example.org", package: "idor-2020")
            }
            try await AdmissionPlace.with(.postgres) { target in
                let summary = try original.copy(to: target.database, batch: 1_000)
                #expect(summary.users == 2_504)
                #expect(summary.policyVersions == 1)
                #expect(!"\(summary.json)".contains(target.password))
                #expect(try await target.integer("SELECT count(*) FROM users") == 2_504)
                #expect(try await target.integer("SELECT count(*) FROM enrolments") == summary.enrolments)
                // Without a policy folder the copy uses the version the original used.
                let copy = try target.open(writer: "replica", policies: false)
                defer { copy.close() }
                #expect(copy.policy.version == original.policy.version)
                for user in [
                    "ada@example.org", "ben@example.org", "cleo@example.org", "dan@example.org", "user7@example.org", "user8@example.org",
                ] {
                    for at in ["2020-11-16T09:59:59.999+01:00", "2020-11-16T10:00:00+01:00", "2020-11-20T23:59:59.999+01:00"] {
                        let expected = try original.check(user: user, lecture: "idor-2020-09", at: instant(at))
                        let copied = try copy.check(user: user, lecture: "idor-2020-09", at: instant(at))
                        #expect(copied.decision == expected.decision, "\(user) at \(at)")
                        #expect(copied.user.id == expected.user.id)
                    }
                }
                // The copy takes changes: its enrolment rows match the states it was given.
                #expect(try copy.unenrol(user: "user7@example.org", package: "idor-2020").withdrawn != nil)
                #expect(try copy.enrol(user: "user8@example.org", package: "idor-2020").result == .enrolled)
                #expect(try copy.enrol(user: "ben@example.org", package: "idor-2020").result == .alreadyEnrolled)
                // A second copy into the same database is refused, naming it.
                #expect {
                    try original.copy(to: target.database)
                } throws: { error in
                    "\(error)".contains("is not empty") && !"\(error)".contains(target.password)
                }
                try await target.expectEveryChainIntact(writers: 2)
            }
        }
    }

    @Test func whatRunsOnSQLiteOnlyFailsWithOneClearLineOnPostgres() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            let csv = place.directory + "/users.csv"
            try "email,name\nnew@example.org,New\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let rejects = place.directory + "/rejects.csv"
            do {
                _ = try admission.register(file: csv, rejectsFile: rejects)
                Issue.record("register ran on PostgreSQL")
            } catch {
                #expect("\(error)".contains("`admit register` runs on SQLite only so far"), "\(error)")
                #expect(!"\(error)".contains(place.password), "the password is masked")
            }
            #expect(!FileManager.default.fileExists(atPath: rejects), "no rejects file is made for a command that cannot run")
            #expect(throws: AdmitError.self) { try admission.verifyAudit() }
        }
    }

    @Test func anUnreachableServerIsOneLineNamingHostAndPort() throws {
        let configuration = AdmitConfiguration(
            databasePath: "postgresql://admit:secret@127.0.0.1:1/admit", seedsDirectory: AdmissionPlace.seeds,
            policyPaths: [AdmissionPlace.policies], policyPathsGiven: true, actor: "test")
        do {
            _ = try Admission(configuration: configuration)
            Issue.record("opened a database where no server listens")
        } catch {
            #expect(error.description.hasPrefix("PostgreSQL is not reachable at 127.0.0.1:1"), "\(error)")
            #expect(!error.description.contains("secret"))
            #expect(!error.description.contains("\n"))
        }
    }
}

/// A database of either kind, seeded from the repository's `Seeds/` (and `extraUsers` more users,
/// `userN@example.org`, active and not enrolled), with the repository's policy.
struct AdmissionPlace {
    let kind: PostgresAdmissionTests.StoreKind
    let directory: String
    let database: String
    let url: PostgresURL?
    var password: String { url?.password ?? "\u{0}" }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seeds = root.appendingPathComponent("Seeds").path
    static let policies = root.appendingPathComponent("Policies").path

    static func with(_ kind: PostgresAdmissionTests.StoreKind, extraUsers: Int = 0, _ body: (AdmissionPlace) async throws -> Void)
        async throws
    {
        let directory = NSTemporaryDirectory() + "admit-pg-admission-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/Seeds", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: seeds + "/catalog.json", toPath: directory + "/Seeds/catalog.json")
        var users = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: seeds + "/users.json"))) as! [String: Any]
        var list = users["users"] as! [[String: Any]]
        for index in 0..<extraUsers {
            list.append([
                "email": "user\(index)@example.org", "name": "User \(index)", "profession": "radiologist", "country": "AT",
                "account": "active", "subscription": "none", "registeredAt": "2020-11-02T09:00:00+01:00", "enrolments": [],
            ])
        }
        users["users"] = list
        try JSONSerialization.data(withJSONObject: users).write(to: URL(fileURLWithPath: directory + "/Seeds/users.json"))
        switch kind {
        case .sqlite:
            try await body(AdmissionPlace(kind: kind, directory: directory, database: directory + "/admit.sqlite", url: nil))
        case .postgres:
            try await TestServer.withFreshDatabase { url in
                let text = "postgresql://\(url.user):\(url.password.map(Self.encoded) ?? "")@\(url.host):\(url.port)/\(url.database)"
                try await body(AdmissionPlace(kind: kind, directory: directory, database: text, url: url))
            }
        }
    }

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// An `Admission` on this database, appending to the chain `writer`, at a fixed instant in the
    /// free window; `policies: false` gives no policy folder (the database's last version is used).
    func open(writer: String, policies: Bool = true) throws -> Admission {
        let configuration = AdmitConfiguration(
            databasePath: database, seedsDirectory: directory + "/Seeds", policyPaths: policies ? [Self.policies] : [directory + "/none"],
            policyPathsGiven: policies, actor: "test", writerName: writer)
        return try Admission(configuration: configuration, clock: FixedClock(instant("2020-11-15T12:00:00+01:00")))
    }

    func integer(_ sql: String) async throws -> Int {
        try await TestServer.integers(sql, on: url!).first ?? -1
    }

    /// Every writer's chain verifies, and there are `writers` of them.
    func expectEveryChainIntact(writers count: Int) async throws {
        let store = try await PostgresStore.connect(url!, logger: TestServer.logger)
        let writers = try await store.writers()
        #expect(writers.count == count)
        for writer in writers {
            let report = try await store.verifyChain(of: writer)
            #expect(report.isIntact, "\(writer.name): \(report.problem.map { "\($0)" } ?? "")")
        }
        await store.close()
    }
}

/// A thread for code that blocks (the use cases wait for PostgreSQL), joined by the test.
final class TestThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.start()
    }

    func join() { done.wait() }
}

func instant(_ text: String) -> Instant {
    do { return try Instant(parsing: text) } catch { fatalError("bad instant in a test: \(error)") }
}
