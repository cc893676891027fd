import AdmitDomain
import AdmitStore
import Foundation
import Testing

@Suite struct StoreTests {
    @Test func migratesAnEmptyDatabaseToTheCurrentVersion() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        #expect(try store.version() == Store.schemaVersion)
        #expect(try store.isUnseeded())
        store.close()
        // Reopening changes nothing.
        let again = try Store(path: dir.file("a.sqlite"))
        #expect(try again.version() == Store.schemaVersion)
    }

    @Test func refusesADatabaseFromANewerAdmit() throws {
        let dir = TemporaryDirectory()
        try Store(path: dir.file("a.sqlite")).close()
        try StoreFixtures.shell(dir.file("a.sqlite"), "PRAGMA user_version = 99;")
        #expect {
            try Store(path: dir.file("a.sqlite"))
        } throws: { error in
            (error as? StoreError)?.kind == .tooNew(version: 99, supported: Store.schemaVersion)
        }
        // And leaves it alone.
        #expect(
            try StoreFixtures.shell(dir.file("a.sqlite"), "PRAGMA user_version;").trimmingCharacters(in: .whitespacesAndNewlines) == "99")
    }

    @Test func isAnOrdinarySQLiteFileInWALMode() throws {
        let dir = TemporaryDirectory()
        let (store, _) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        store.close()
        let out = try StoreFixtures.shell(
            dir.file("a.sqlite"), "PRAGMA journal_mode; SELECT email FROM users; SELECT count(*) FROM lectures;")
        #expect(out == "wal\nada@example.org\n3\n")
    }

    @Test func catalogRoundTrips() throws {
        let dir = TemporaryDirectory()
        let (store, _) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        #expect(try store.catalog() == StoreFixtures.catalog)
        #expect(try !store.isUnseeded())
    }

    @Test func usersAreFoundByNormalisedEmailAndAreUnique() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        #expect(try store.user(email: EmailAddress("  ADA@example.ORG ")) == ada)
        #expect(try store.user(id: ada.id) == ada)
        #expect(try store.user(id: UserID(999)) == nil)
        #expect(try store.write { try store.createUser(StoreFixtures.newUser("Ada@Example.org"), StoreFixtures.context) } == nil)
        #expect(try store.userCount() == 1)
        #expect(try store.userState(ada.id)?.user == ada)
    }

    @Test(arguments: [
        "Robert'); DROP TABLE users;--", "\" OR 1=1 --", "; DELETE FROM audit_log;", "name with \u{0} NUL", "emoji 🩻 and 'quotes'",
        "%_*?[]\\", "=HYPERLINK(\"http://x\")",
    ])
    func sqlMetacharactersAreStoredVerbatim(text: String) throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        let user = try StoreFixtures.create(store, StoreFixtures.newUser("x@example.org", name: text, externalID: text))
        let read = try #require(try store.user(id: user.id))
        #expect(read.name == text)
        #expect(Array(read.name.utf8) == Array(text.utf8))
        #expect(read.externalID == text)
        #expect(try store.userState(user.id)?.user.name == text)
        _ = try store.write {
            try store.append(EventRecord(recordedAt: StoreFixtures.now, actor: text, kind: .requestRefused, detail: text))
        }
        #expect(try store.auditEntry(2)?.actor == text)
        #expect(try store.auditEntry(2)?.detail == text)
        #expect(try store.verifyAudit().isIntact)
        #expect(try store.userCount() == 1)
    }
}

@Suite struct EnrolmentStoreTests {
    @Test func enrollingTwiceChangesNothing() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        let first = Enrolment(user: ada.id, package: "idor-2020", enrolledAt: StoreFixtures.now, source: .self, accountState: .active)
        var second = first
        second.enrolledAt = StoreFixtures.now.adding(milliseconds: 5000)
        guard case .added(let added, let state) = try store.write({ try store.enrol(first, StoreFixtures.context) }) else {
            Issue.record("not added")
            return
        }
        #expect(added == first)
        #expect(state.enrolments == [first] && state.version == 2)
        #expect(try store.write { try store.enrol(second, StoreFixtures.context) } == .alreadyEnrolled(first))
        #expect(try store.enrolments(of: ada.id) == [first])
        #expect(try store.userState(ada.id) == state)
    }

    @Test func withdrawalKeepsTheHistoryAndAllowsReEnrolment() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        let first = Enrolment(user: ada.id, package: "idor-2020", enrolledAt: StoreFixtures.now, source: .self, accountState: .active)
        _ = try store.write { try store.enrol(first, StoreFixtures.context) }
        let out = StoreFixtures.now.adding(milliseconds: 60_000)
        let withdrawn = try store.write { try store.withdraw(user: ada.id, from: "idor-2020", at: out, StoreFixtures.context) }
        #expect(withdrawn?.0.withdrawnAt == out)
        #expect(try store.write { try store.withdraw(user: ada.id, from: "idor-2020", at: out, StoreFixtures.context) } == nil)
        let again = Enrolment(
            user: ada.id, package: "idor-2020", enrolledAt: out.adding(milliseconds: 1), source: .admin, accountState: .active)
        guard case .added(let added, _) = try store.write({ try store.enrol(again, StoreFixtures.context) }) else {
            Issue.record("not added")
            return
        }
        #expect(added == again)
        var history = first
        history.withdrawnAt = out
        #expect(try store.enrolments(of: ada.id) == [history, again])
        #expect(try store.userState(ada.id)?.enrolments == [history, again])
        #expect(try store.verifyAudit().isIntact)
    }

    @Test func cannotWithdrawBeforeTheEnrolmentBegan() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        _ = try store.write {
            try store.enrol(
                Enrolment(user: ada.id, package: "idor-2020", enrolledAt: StoreFixtures.now, source: .self), StoreFixtures.context)
        }
        #expect(throws: StoreError.self) {
            try store.write {
                try store.withdraw(user: ada.id, from: "idor-2020", at: StoreFixtures.now.adding(milliseconds: -1), StoreFixtures.context)
            }
        }
        #expect(try store.userState(ada.id)?.currentEnrolment(in: "idor-2020")?.withdrawnAt == nil)
        #expect(try store.enrolments(of: ada.id).map(\.withdrawnAt) == [nil])
    }

    @Test func unknownPackageIsRefusedByForeignKey() throws {
        let dir = TemporaryDirectory()
        let (store, ada) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        #expect(throws: StoreError.self) {
            try store.write {
                try store.enrol(
                    Enrolment(user: ada.id, package: "nope", enrolledAt: StoreFixtures.now, source: .self), StoreFixtures.context)
            }
        }
    }

    /// Two writers enrolling the same user at once (separate connections, as two processes have) leave one row.
    @Test func concurrentEnrolmentsLeaveOneRow() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        store.close()
        let results = try await withThrowingTaskGroup(of: [EnrolmentInsert].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let mine = try Store(path: path, busyTimeout: .seconds(10))
                    var results: [EnrolmentInsert] = []
                    for attempt in 0..<25 {
                        let enrolment = Enrolment(
                            user: ada.id, package: "idor-2020",
                            enrolledAt: StoreFixtures.now.adding(milliseconds: Int64(writer * 100 + attempt)),
                            source: .self)
                        results.append(try mine.write { try mine.enrol(enrolment, StoreFixtures.context) })
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let added = results.filter { if case .added = $0 { true } else { false } }
        #expect(added.count == 1)
        #expect(results.count == 100)
        let check = try Store(path: path)
        #expect(try check.enrolments(of: ada.id).count == 1)
        #expect(try check.userState(ada.id)?.enrolments.count == 1)
        #expect(try check.verifyAudit().isIntact)
    }
}

@Suite struct PolicyVersionStoreTests {
    @Test func storesEachVersionOnceWithItsText() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        let files = [StoredPolicyFile(path: "Policies/a.policy", text: "permit p: any\n")]
        #expect(try store.write { try store.recordPolicyVersion(hash: "sha256:1", files: files, at: StoreFixtures.now) })
        #expect(try !store.write { try store.recordPolicyVersion(hash: "sha256:1", files: files, at: StoreFixtures.now) })
        #expect(try store.policyFiles(hash: "sha256:1") == files)
        #expect(try store.policyFiles(hash: "sha256:2") == nil)
    }

    @Test func anEmailWithAQuoteIsStoredAndFoundVerbatim() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("a.sqlite"))
        let email = try EmailAddress("o'brien+'or'1'='1@example.org")
        let user = try StoreFixtures.create(store, StoreFixtures.newUser(email.normalized, name: "O'Brien"))
        #expect(try store.user(email: email)?.id == user.id)
        #expect(try store.user(id: user.id)?.email == email)
        #expect(try store.userCount() == 1)
    }
}
