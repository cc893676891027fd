import AdmitDomain
import AdmitStore
import Foundation
import Testing

@Suite struct FaultTests {
    /// Another process holds the write lock: Admit waits the busy timeout, fails clearly, writes nothing.
    @Test func busyWriterTimesOutCleanly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (setup, ada) = try StoreFixtures.seeded(path)
        setup.close()

        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [path]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            holder.terminate()
            holder.waitUntilExit()
        }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        // Wait until the shell holds the lock.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let more = output.fileHandleForReading.availableData  // empty only at the end of its output
            try #require(!more.isEmpty, "sqlite3 ended before printing 'locked': \(String(decoding: seen, as: UTF8.self))")
            seen += more
        }

        let store = try Store(path: path, busyTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        #expect {
            try store.write {
                try store.append(StoreFixtures.decision(1, user: ada.id))
            }
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.kind == .busy && error.description.contains(path) && error.description.contains("busy")
        }
        #expect(ContinuousClock.now - started >= .milliseconds(290))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(try store.auditCount() == 1, "only the seeded user's row")
    }

    /// A process killed inside a write transaction: the next open finds a sound file without any of it.
    @Test func killedWriterLeavesNothingBehind() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (setup, _) = try StoreFixtures.seeded(path)
        setup.close()

        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        writer.arguments = [path]
        let input = Pipe()
        let output = Pipe()
        writer.standardInput = input
        writer.standardOutput = output
        try writer.run()
        // Enough rows to spill pages into the WAL before the (never sent) COMMIT.
        input.fileHandleForWriting.write(
            Data(
                """
                PRAGMA cache_size = 10;
                BEGIN IMMEDIATE;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
                INSERT INTO users(email, name, profession, account, registered_at, updated_at)
                SELECT 'u' || i || '@example.org', printf('%.200c', 'x'), 'other', 'active', 0, 0 FROM n;
                SELECT 'inserted';

                """.utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("inserted") {
            let more = output.fileHandleForReading.availableData  // empty only at the end of its output
            try #require(!more.isEmpty, "sqlite3 ended before printing 'inserted': \(String(decoding: seen, as: UTF8.self))")
            seen += more
        }
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)

        let store = try Store(path: path)
        #expect(try store.integrityProblems().isEmpty)
        #expect(try store.userCount() == 1)
        #expect(try store.verifyAudit().isIntact)
    }

    @Test func aFileThatIsNotADatabase() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("notes.sqlite")
        try Data(String(repeating: "this is not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try Store(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(path + ":") && text.contains("not a database") && !text.contains("\n")
        }
    }

    @Test func aTruncatedDatabase() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (store, ada) = try StoreFixtures.seeded(path)
        _ = try store.write { try store.append((1...2000).map { StoreFixtures.decision($0, user: ada.id) }) }
        _ = try StoreFixtures.shell(path, "PRAGMA wal_checkpoint(TRUNCATE);")
        store.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size / 2)) == 0)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        // Opening or reading the damaged file fails with a line naming it; nothing crashes.
        do {
            let damaged = try Store(path: path)
            _ = try damaged.verifyAudit()
            let problems = try damaged.integrityProblems()
            #expect(!problems.isEmpty)
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix(path + ":"), "\(text)")
            #expect(!text.contains("\n"))
        }
    }

    @Test func aMissingDirectory() {
        let path = "/nonexistent-\(UUID().uuidString)/admit.sqlite"
        #expect {
            try Store(path: path)
        } throws: { error in
            "\(error)" == "\(path): cannot create the database: directory '\((path as NSString).deletingLastPathComponent)' does not exist"
        }
    }

    @Test func aReadOnlyDatabase() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let (setup, ada) = try StoreFixtures.seeded(path)
        setup.close()
        // Root ignores file modes, so the read-only case is also made through SQLite's own URI flag.
        let store = try Store(path: "file:\(path)?mode=ro")
        #expect(try store.user(id: ada.id) == ada)
        #expect {
            _ = try store.write { try store.append(StoreFixtures.decision(1, user: ada.id)) }
        } throws: { error in
            "\(error)".contains("readonly")
        }
        if geteuid() != 0 {
            #expect(chmod(path, 0o444) == 0)
            let plain = try Store(path: path)
            #expect(throws: StoreError.self) { try plain.write { try plain.append(StoreFixtures.decision(1, user: ada.id)) } }
        }
    }
}
