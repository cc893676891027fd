import CSQLite
import Foundation
import Testing

@testable import SQLite

@Suite("Busy timeout and lock conflicts", .serialized)
struct BusyTests {
    static let timeout = Duration.milliseconds(200)

    /// Creates `path` with an empty table `t(x)`.
    func makeDatabase(_ path: String) throws {
        let db = try Connection(path: path)
        try db.execute("CREATE TABLE t(x)")
        db.close()
    }

    /// Asserts that `write` waited at least the busy timeout, then failed with a busy error.
    func expectBusyAfterWaiting(_ write: () throws -> Void) -> SQLiteError? {
        let clock = ContinuousClock()
        let start = clock.now
        let error = expectSQLiteError { try write() }
        let waited = clock.now - start
        #expect(waited >= Self.timeout, "waited only \(waited)")
        #expect(waited < .seconds(5), "waited far too long: \(waited)")
        #expect(error?.isBusy == true)
        #expect(error?.code == SQLITE_BUSY)
        return error
    }

    @Test("A write waits for the busy timeout while another connection holds the write lock, then throws isBusy")
    func writeWaitsThenBusy() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("busy.sqlite")
        try makeDatabase(path)

        let holder = try Connection(path: path)
        try holder.execute("BEGIN IMMEDIATE")
        let db = try Connection(path: path, busyTimeout: Self.timeout)

        let error = expectBusyAfterWaiting { try db.run("INSERT INTO t(x) VALUES(1)") }
        #expect(error?.description == "\(path): database is busy (another connection or process holds the write lock; waited 0.2 s)")

        let transactionError = expectBusyAfterWaiting {
            try db.transaction { try db.run("INSERT INTO t(x) VALUES(2)") }
        }
        #expect(transactionError?.sql == "BEGIN IMMEDIATE")
        #expect(!db.isInTransaction)

        try holder.execute("ROLLBACK")
        #expect(try count(db) == 0, "nothing was written")
        try db.run("INSERT INTO t(x) VALUES(3)")  // works once the lock is released
        #expect(try count(holder) == 1)
    }

    /// Polls with a zero-timeout connection until another holder owns the write lock.
    func waitUntilWriteLocked(_ path: String) throws -> Bool {
        let probe = try Connection(path: path, busyTimeout: .zero)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let error = probeWriteLock(probe), error.isBusy { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// Tries to take and release the write lock; returns the error if that failed.
    func probeWriteLock(_ probe: Connection) -> SQLiteError? {
        do {
            try probe.execute("BEGIN IMMEDIATE; ROLLBACK")
            return nil
        } catch {
            if probe.isInTransaction { try? probe.execute("ROLLBACK") }
            return error
        }
    }

    @Test(
        "A sqlite3 shell process holding BEGIN IMMEDIATE makes our write wait, then fail; nothing is written",
        .enabled(if: sqliteShellPath != nil, "the sqlite3 shell is not installed"))
    func otherProcessHoldsLock() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("process.sqlite")
        try makeDatabase(path)

        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: sqliteShellPath ?? "/usr/bin/sqlite3")
        shell.arguments = [path]
        let input = Pipe()
        shell.standardInput = input
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        let stdin = input.fileHandleForWriting
        stdin.write(Data("BEGIN IMMEDIATE;\nINSERT INTO t VALUES('from shell');\n".utf8))

        let locked = try waitUntilWriteLocked(path)
        #expect(locked, "the sqlite3 shell never took the write lock")
        if locked {
            let db = try Connection(path: path, busyTimeout: Self.timeout)
            let error = expectBusyAfterWaiting { try db.run("INSERT INTO t(x) VALUES(?)", "ours") }
            #expect(error?.description.hasPrefix("\(path): database is busy (") == true)
            #expect(error?.description.contains("waited 0.2 s") == true)
        }

        try stdin.close()  // EOF: the shell exits without committing
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let db = try Connection(path: path)
        #expect(try count(db) == 0, "neither our row nor the shell's uncommitted row exists")
    }

    @Test("A deferred transaction that already read cannot wait for the write lock: busy at once, and says so")
    func deferredUpgradeFailsImmediately() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("upgrade.sqlite")
        try makeDatabase(path)
        let db = try Connection(path: path, busyTimeout: .seconds(3))
        let holder = try Connection(path: path)

        let clock = ContinuousClock()
        let start = clock.now
        let error = expectSQLiteError {
            try db.transaction(.deferred) {
                _ = try count(db)  // takes a read snapshot
                try holder.execute("BEGIN IMMEDIATE")
                try db.run("INSERT INTO t(x) VALUES(1)")
            }
        }
        let waited = clock.now - start
        try holder.execute("ROLLBACK")
        #expect(error?.isBusy == true)
        #expect(waited < .seconds(1), "SQLite does not call the busy handler here; waited \(waited)")
        #expect(error?.description.contains("not waited") == true)
        #expect(!db.isInTransaction)
    }

    @Test("A deferred transaction whose snapshot went stale gets SQLITE_BUSY_SNAPSHOT")
    func staleSnapshot() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("snapshot.sqlite")
        try makeDatabase(path)
        let db = try Connection(path: path, busyTimeout: .seconds(3))
        let writer = try Connection(path: path)

        let error = expectSQLiteError {
            try db.transaction(.deferred) {
                _ = try count(db)
                try writer.run("INSERT INTO t(x) VALUES('writer')")  // commits after our snapshot
                try db.run("INSERT INTO t(x) VALUES('ours')")
            }
        }
        #expect(error?.extendedCode == ExtendedResultCode.busySnapshot)
        #expect(error?.isBusy == true)
        #expect(try db.query("SELECT x FROM t") { $0.string(0) } == ["writer"])
    }
}
