import Admit
import AdmitDomain
import AdmitPostgres
import AdmitStore
import AdmitTestSupport
import Foundation
import Synchronization
import Testing

/// Admit's use cases on both stores: the same calls give the same answers on SQLite and on
/// PostgreSQL, and on PostgreSQL several processes (here: several `Admission`s, each with its
/// own connection and writer, as replicas are) share one database.
/// Serialized: each test blocks a thread of Swift's shared pool while PostgreSQL answers (the use
/// cases are synchronous), and the pool has as many threads as cores.
@Suite(.serialized) struct PostgresAdmissionTests {
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
            #expect(allowed.auditWriter == (kind == .postgres ? "one" : nil))

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
                        WHERE CASE WHEN datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                            THEN pg_terminate_backend(pid) ELSE false END
                        """, on: place.url!)
                    #expect(terminated == [1])
                }
                let started = ContinuousClock.now
                var answeredThisRound = 0
                // Longer than the storage's operation timeout: a query lost with the connection
                // fails after it, and the next one connects again.
                while answeredThisRound < 5, ContinuousClock.now - started < PostgresStorage.operationTimeout + .seconds(15) {
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
            #expect(failed <= 4, "at most the requests under way while the connection went, two a round")
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

    @Test func auditVerifyFindsAnEditedTableAndAChangedChainRowOnPostgres() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let a = try place.open(writer: "replica-a")
            let b = try place.open(writer: "replica-b")
            defer {
                a.close()
                b.close()
            }
            _ = try a.enrol(user: "ben@example.org", package: "idor-2020")
            _ = try b.check(user: "ben@example.org", lecture: "idor-2020-01")
            _ = try b.unenrol(user: "ada@example.org", package: "idor-2020")
            let intact = try a.verifyAudit()
            #expect(intact.isIntact)
            #expect(intact.users == 4)
            #expect(intact.rows == (try await place.integer("SELECT sum(seq)::integer FROM audit_heads")))
            // An edit of a table outside Admit, and one of the log itself.
            try await TestServer.execute("UPDATE users SET name = 'Eve' WHERE id = 2", on: place.url!)
            let edited = try a.verifyAudit()
            #expect(edited.firstBreak == nil)
            #expect(edited.stateProblemCount == 1)
            let difference = try #require(edited.stateProblems.first).description
            #expect(difference.hasPrefix("users id 2: name is 'Eve' in the table, 'Ben' in the audit log (audit row "), "\(difference)")
            #expect(difference.hasSuffix(" of writer 'replica-a')"), "\(difference)")
            try await TestServer.execute("ALTER TABLE audit_changes DISABLE TRIGGER USER", on: place.url!)
            try await TestServer.execute(
                "UPDATE audit_changes SET name = 'Ada L.' WHERE user_id = 1 AND version = (SELECT max(version) FROM audit_changes WHERE user_id = 1)",
                on: place.url!)
            let broken = try a.verifyAudit()
            #expect(broken.firstBreak?.reason.contains("writer 'replica-b'") == true, "\(String(describing: broken.firstBreak))")
            #expect(!broken.isIntact)
        }
    }

    @Test func theFeedGivesEveryChangeAfterAPositionInPagesAndThenNothing() async throws {
        try await TestServer.withFreshDatabase { url in
            let text = TestServer.text(of: url)
            let storage = try PostgresStorage(url: text, writerName: "a", at: instant("2020-11-15T12:00:00Z"), logger: TestServer.logger)
            defer { storage.close() }
            let catalog = Catalog(packages: [])
            try storage.beginCopy(catalog: catalog, policies: [])
            func states(_ ids: Range<Int64>) throws -> [UserState] {
                try ids.map { id in
                    UserState(
                        user: User(
                            id: UserID(id), email: try EmailAddress("u\(id)@example.org"), name: "U", profession: .other, country: nil,
                            account: .active, subscription: .none, registeredAt: instant("2020-11-01T00:00:00Z"),
                            externalID: id % 2 == 0 ? "" : "x\(id)"),
                        enrolments: [], version: 1)
                }
            }
            let context = ChangeContext(recordedAt: instant("2020-11-15T12:00:00Z"), actor: "test")
            try storage.copyUsers(try states(1..<101), context)
            var position = FeedPosition()
            var seen: [Int64] = []
            try storage.forEachState(after: &position) { user, _, _, _, _ in seen.append(user.rawValue) }
            #expect(seen == Array(1..<101))
            try storage.copyUsers(try states(101..<12_101), context)
            seen = []
            try storage.forEachState(after: &position) { user, _, _, _, _ in seen.append(user.rawValue) }
            #expect(seen == Array(101..<12_101), "two pages of 10,000 and 2,000, in order, each once")
            seen = []
            try storage.forEachState(after: &position) { user, _, _, _, _ in seen.append(user.rawValue) }
            #expect(seen.isEmpty)
            // An empty external id is stored as none and the chain still verifies.
            let store = try await PostgresStore.connect(url, logger: TestServer.logger)
            let report = try await store.verifyChain(of: storage.writer)
            await store.close()
            #expect(report.isIntact)
            #expect(report.rows == 12_100)
        }
    }

    @Test func whatRunsOnSQLiteOnlyFailsWithOneClearLineOnPostgres() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            // `admit copy` copies a SQLite database in: its source must be one.
            #expect(throws: AdmitError.notOnPostgresYet(feature: "copy", url: PostgresURL.masked(place.database))) {
                try admission.copy(to: place.database)
            }
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
    let kind: StoreKind
    let directory: String
    let database: String
    let url: PostgresURL?
    var password: String { url?.password ?? "\u{0}" }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seeds = root.appendingPathComponent("Seeds").path
    static let policies = root.appendingPathComponent("Policies").path

    static func with(_ kind: StoreKind, extraUsers: Int = 0, _ body: (AdmissionPlace) async throws -> Void)
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
                try await body(AdmissionPlace(kind: kind, directory: directory, database: TestServer.text(of: url), url: url))
            }
        }
    }

    /// An `Admission` on this database, appending to the chain `writer`, at a fixed instant (`now`,
    /// by default in the free window); `policies: false` gives no policy folder (the database's
    /// last version is used).
    func open(writer: String, policies: Bool = true, at now: String = "2020-11-15T12:00:00+01:00") throws -> Admission {
        let configuration = AdmitConfiguration(
            databasePath: database, seedsDirectory: directory + "/Seeds", policyPaths: policies ? [Self.policies] : [directory + "/none"],
            policyPathsGiven: policies, actor: "test", writerName: writer)
        return try Admission(configuration: configuration, clock: FixedClock(instant(now)))
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

/// The built `admit` command on PostgreSQL, as an administrator runs it.
@Suite(.serialized) struct PostgresCommandTests {
    /// `admit` beside this test bundle.
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("admit").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("admit")
    }()

    /// Runs `admit ARGS` (with `stdin`), returning its status and output.
    func admit(_ arguments: [String], stdin: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "ADMIT_DB")
        process.environment = environment
        let (input, output, errors) = (Pipe(), Pipe(), Pipe())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func copyCheckServeAndVerifyThroughTheCommand() async throws {
        try await AdmissionPlace.with(.sqlite) { source in
            let files = ["--seeds", source.directory + "/Seeds", "--policies", AdmissionPlace.policies]
            let sqlite = ["--db", source.database] + files
            let enrolled = try admit(
                ["enrol", "--user", "ben@example.org", "--package", "idor-2020", "--at", "2020-11-15T10:00:00+01:00"] + sqlite)
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            try await TestServer.withFreshDatabase { url in
                let target = TestServer.text(of: url)
                let copied = try admit(["copy", "--to", target] + sqlite)
                #expect(copied.status == 0, "\(copied.stderr)")
                #expect(copied.stdout.hasPrefix("copied 4 users, 4 enrolments and 1 policy versions to postgresql://"), "\(copied.stdout)")
                #expect(!copied.stdout.contains(url.password ?? "\u{0}"), "the password is masked")
                let postgres = ["--db", target, "--policies", AdmissionPlace.policies]
                let check = try admit(
                    ["check", "--user", "ben@example.org", "--lecture", "idor-2020-02", "--at", "2020-11-20T23:59:59.999+01:00"] + postgres)
                #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
                #expect(check.stdout.hasPrefix("allow: ben@example.org may open idor-2020-02"))
                #expect(check.stdout.contains(" by writer '"), "the decision's number counts in a writer's chain: \(check.stdout)")
                // The administrator replays it by the name check gave it.
                let logged = try #require(check.stdout.firstMatch(of: /logged as #(\d+) by writer '([^']+)'/))
                let replay = try admit(["audit", "replay", "\(logged.2):\(logged.1)"] + postgres)
                #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
                #expect(replay.stdout.hasPrefix("decision #\(logged.1) by writer '\(logged.2)': allow"), "\(replay.stdout)")
                #expect(replay.stdout.contains("reproduced"))
                let closed = try admit(
                    ["check", "--user", "ben@example.org", "--lecture", "idor-2020-02", "--at", "2020-11-21T00:00:00+01:00"] + postgres)
                #expect(closed.status == 1)
                let requests = """
                    {"jsonrpc":"2.0","id":1,"method":"check","params":{"user":"ben@example.org","lecture":"idor-2020-03","at":"2020-11-16T10:00:00+01:00"}}
                    {"jsonrpc":"2.0","id":2,"method":"ping"}

                    """
                let served = try admit(["serve"] + postgres, stdin: requests)
                #expect(served.status == 0, "\(served.stderr)")
                let replies = served.stdout.split(separator: "\n")
                #expect(replies.count == 2)
                #expect(replies.first?.contains("\"decision\":\"allow\"") == true, "\(served.stdout)")
                let verified = try admit(["audit", "verify"] + postgres)
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
                #expect(verified.stdout.contains("hash chain intact"))
                let decisions = try admit(["audit", "decisions", "--user", "ben@example.org", "--format", "csv"] + postgres)
                #expect(decisions.status == 0, "\(decisions.stderr)")
                let lines = decisions.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 1 + 3, "a header and ben's three decisions: \(decisions.stdout)")
                #expect(lines.first?.hasSuffix(",external_id,writer") == true, "each number with its writer")
                let enrolments = try admit(["audit", "enrolments", "--format", "json"] + postgres)
                #expect(enrolments.status == 0, "\(enrolments.stderr)")
                #expect(enrolments.stdout.contains("\"package\""), "\(enrolments.stdout)")
                try "email,name,profession\nnew@example.org,New,radiologist\n".write(
                    toFile: source.directory + "/new.csv", atomically: true, encoding: .utf8)
                let register = try admit(
                    ["register", source.directory + "/new.csv", "--package", "idor-2020", "--at", "2020-11-15T12:00:00+01:00"] + postgres)
                #expect(register.status == 0, "\(register.stdout)\(register.stderr)")
                #expect(register.stdout.contains("created   1\n"), "\(register.stdout)")
                let newcomer = try admit(
                    ["check", "--user", "new@example.org", "--lecture", "idor-2020-02", "--at", "2020-11-20T12:00:00+01:00"] + postgres)
                #expect(newcomer.status == 0, "registered and enrolled through PostgreSQL: \(newcomer.stdout)\(newcomer.stderr)")
                #expect(try await TestServer.integers("SELECT count(*) FROM audit_decisions", on: url) == [4])
            }
        }
    }
}
