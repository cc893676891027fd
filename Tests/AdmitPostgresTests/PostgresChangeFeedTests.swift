import AdmitDomain
import AdmitStore
import AdmitTestSupport
import PostgresNIO
import Testing

@testable import AdmitPostgres

@Suite("PostgreSQL change feed")
struct PostgresChangeFeedTests {
    static let registered = Instant(millisecondsSinceEpoch: 1_600_000_000_000)

    /// User `id`'s state at `version`, enrolled in idor-2020 from version 2 on.
    static func state(_ id: Int64, version: Int64, role: String? = nil) throws -> UserState {
        let user = User(
            id: UserID(id), email: try EmailAddress("user\(id)@example.org"), name: "User \(id)", profession: .radiologist,
            country: CountryCode("AT"), account: .active, subscription: .none, registeredAt: registered, externalID: "sis-\(id)",
            externalRole: role)
        let enrolments =
            version >= 2
            ? [Enrolment(user: UserID(id), package: "idor-2020", enrolledAt: registered, source: .self, accountState: .active)]
            : []
        return UserState(user: user, enrolments: enrolments, version: version)
    }

    /// JIT compilation is off on Admit's connections (set when the connection starts): the feed's
    /// read took 400 ms with it.
    @Test func admitsConnectionsRunWithoutJIT() async throws {
        let store = try await PostgresStore.connect(try TestServer.url(), logger: TestServer.logger)
        var settings: [String] = []
        for try await value in try await store.connection.query("SHOW jit", logger: TestServer.logger).decode(String.self) {
            settings.append(value)
        }
        await store.close()
        #expect(settings == ["off"])
    }

    static func context(_ millis: Int64) -> ChangeContext {
        ChangeContext(
            recordedAt: Instant(millisecondsSinceEpoch: millis), actor: "service:a",
            policyHash: "sha256:" + String(repeating: "b", count: 64))
    }

    @Test("changes written by one writer are read by another after its last position, whole, and the mixed chain verifies")
    func feed() async throws {
        try await TestServer.withFreshDatabase { url in
            let a = try await PostgresStore.open(url, logger: TestServer.logger)
            let b = try await PostgresStore.open(url, logger: TestServer.logger)
            let writer = try await a.registerWriter(name: "serve:a", at: Self.registered)
            try await a.append(PostgresDecisionLogTests.decisions(3), writer: writer)
            let created = try Self.state(7, version: 1, role: "teacher")
            let enrolled = try Self.state(7, version: 2, role: "teacher")
            #expect(try await a.appendState(.userCreated, created, Self.context(1), writer: writer) == 4)
            try await a.append(PostgresDecisionLogTests.decisions(2), writer: writer)
            #expect(try await a.appendState(.enrolmentAdded, enrolled, Self.context(2), writer: writer) == 7)

            let all = try await b.changes(after: [:])
            #expect(all.map(\.seq) == [4, 7])
            #expect(all.map(\.kind) == [.userCreated, .enrolmentAdded])
            #expect(all.map(\.state) == [created, enrolled])
            #expect(all.allSatisfy { $0.writer == writer.id })
            #expect(try await b.changes(after: [writer.id: 4]).map(\.state) == [enrolled])
            #expect(try await b.changes(after: [writer.id: 7]).isEmpty)

            let report = try await b.verifyChain(of: writer)
            #expect(report.isIntact, "\(report.problem?.description ?? "")")
            #expect(report.rows == 7)
            await a.close()
            await b.close()
        }
    }

    @Test("a change made through one replica is noticed by another within a second")
    func notice() async throws {
        try await TestServer.withFreshDatabase { url in
            let a = try await PostgresStore.open(url, logger: TestServer.logger)
            let b = try await PostgresStore.open(url, logger: TestServer.logger)
            let writer = try await a.registerWriter(name: "serve:a", at: Self.registered)
            let (notices, continuation) = AsyncStream.makeStream(of: (Int32, Int64).self)
            let listening = Task {
                try await b.listenForChanges { writer, seq in
                    continuation.yield((writer, seq))
                    return writer == 0  // a probe: go on listening
                }
            }
            // Probes (writer 0) until the listener hears one: then LISTEN is surely in place.
            var iterator = notices.makeAsyncIterator()
            let probing = Task {
                while !Task.isCancelled {
                    try await TestServer.execute("SELECT pg_notify('\(PostgresStore.changesChannel)', '0:0')", on: url)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            _ = await iterator.next()
            probing.cancel()
            _ = await probing.result
            let seq = try await a.appendState(.userCreated, try Self.state(1, version: 1), Self.context(1), writer: writer)
            // From the commit (the append returns after it): a loaded machine once took 0.1 s
            // more than a second for the append and the notice together.
            let clock = ContinuousClock()
            let start = clock.now
            let timeout = Task {
                try await Task.sleep(for: .seconds(1))
                continuation.finish()
            }
            var received: (Int32, Int64)?
            while let notice = await iterator.next() {
                if notice.0 != 0 {
                    received = notice
                    break
                }
            }
            timeout.cancel()
            let elapsed = clock.now - start
            #expect(received?.0 == writer.id)
            #expect(received?.1 == seq)
            #expect(elapsed < .seconds(1))
            await b.close()  // ends the listener, if it still listens
            _ = await listening.result
            await a.close()
        }
    }

    @Test("two writers writing the same version of one user at once: one commits, the other is refused")
    func sameVersion() async throws {
        try await TestServer.withFreshDatabase { url async throws in
            let results = await withTaskGroup(of: Bool.self) { group in
                for number in 0..<2 {
                    group.addTask {
                        do {
                            let store = try await PostgresStore.open(url, logger: TestServer.logger)
                            defer { Task { await store.close() } }
                            let writer = try await store.registerWriter(name: "serve:\(number)", at: Self.registered)
                            try await store.appendState(
                                .userCreated, try Self.state(3, version: 1), Self.context(Int64(number)), writer: writer)
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(results.count == 2)
            #expect(try await TestServer.integers("SELECT count(*) FROM audit_changes", on: url) == [1])
        }
    }

    @Test("a changed state row is found by verification")
    func tampered() async throws {
        try await TestServer.withFreshDatabase { url in
            let store = try await PostgresStore.open(url, logger: TestServer.logger)
            let writer = try await store.registerWriter(name: "serve:a", at: Self.registered)
            try await store.appendState(.userCreated, try Self.state(1, version: 1), Self.context(1), writer: writer)
            try await store.append(PostgresDecisionLogTests.decisions(2), writer: writer)
            try await store.appendState(.enrolmentAdded, try Self.state(1, version: 2), Self.context(2), writer: writer)
            #expect(try await store.verifyChain(of: writer).isIntact)
            try await PostgresDecisionLogTests.tamper("UPDATE audit_changes SET account = 'closed' WHERE seq = 4", on: url)
            #expect(try await store.verifyChain(of: writer).problem == .changed(seq: 4))
            await store.close()
        }
    }
}
