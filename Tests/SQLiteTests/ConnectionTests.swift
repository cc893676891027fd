import CSQLite
import Foundation
import Testing

@testable import SQLite

@Suite("Connection setup, pragmas, maintenance and lifetime")
struct ConnectionTests {
    @Test("A file database is opened with foreign keys, WAL and synchronous=NORMAL")
    func fileDatabaseSettings() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Connection(path: dir.path("settings.sqlite"))
        #expect(try db.queryFirst("PRAGMA foreign_keys") { $0.int64(0) } == 1)
        #expect(try db.journalMode() == "wal")
        #expect(try db.queryFirst("PRAGMA synchronous") { $0.int64(0) } == 1)
        #expect(!db.isReadOnly)
        #expect(db.isOpen)
    }

    @Test("An in-memory database has foreign keys on and memory journaling")
    func memoryDatabaseSettings() throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.queryFirst("PRAGMA foreign_keys") { $0.int64(0) } == 1)
        #expect(try db.journalMode() == "memory")
        try db.execute("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p REFERENCES p(id))")
        let error = expectSQLiteError { try db.run("INSERT INTO c VALUES(1)") }
        #expect(error?.isForeignKeyConstraint == true)
    }

    @Test("Two in-memory connections are separate databases")
    func memoryDatabasesAreSeparate() throws {
        let a = try memoryDatabase()
        let b = try Connection(path: ":memory:")
        try a.run("INSERT INTO t VALUES(1)")
        let error = expectSQLiteError { _ = try count(b) }
        #expect(error?.message == "no such table: t")
    }

    @Test("user_version can be read and set, and persists", arguments: [Int32(0), 1, 42, Int32.max, -5])
    func userVersion(_ version: Int32) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("version.sqlite")
        do {
            let db = try Connection(path: path)
            #expect(try db.userVersion() == 0)
            try db.setUserVersion(version)
            #expect(try db.userVersion() == version)
        }
        #expect(try Connection(path: path).userVersion() == version)
    }

    @Test("integrity_check reports ok for a sound database")
    func integrityCheck() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Connection(path: dir.path("check.sqlite"))
        try db.execute("CREATE TABLE t(x UNIQUE); INSERT INTO t VALUES(1), (2), (3)")
        #expect(try db.integrityCheck() == ["ok"])
    }

    @Test("integrity_check reports problems in a damaged database")
    func integrityCheckFindsDamage() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("damaged.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t(v)")
            try db.transaction {
                for i in 0..<500 { try db.run("INSERT INTO t(v) VALUES(?)", "value \(i)") }
            }
            // Make the index disagree with the table without SQLite noticing.
            try db.execute("PRAGMA writable_schema=ON")
            try db.execute("UPDATE sqlite_schema SET sql = 'CREATE INDEX tv ON t(id)' WHERE name = 'tv'")
        }
        let db = try Connection(path: path)
        let report = try db.integrityCheck()
        #expect(report != ["ok"])
        #expect(!report.isEmpty)
    }

    @Test("walCheckpoint(.truncate) empties the -wal file; a memory database reports -1")
    func walCheckpoint() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("wal.sqlite")
        let db = try Connection(path: path)
        try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES(randomblob(10000))")
        let walSize = { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? -1 }
        #expect(walSize() > 0)
        let result = try db.walCheckpoint(.truncate)
        #expect(result.walFrames == result.checkpointedFrames)
        #expect(walSize() == 0)
        #expect(try db.walCheckpoint(.passive).walFrames == 0)

        let memory = try Connection(path: ":memory:")
        #expect(try memory.walCheckpoint() == Connection.CheckpointResult(walFrames: -1, checkpointedFrames: -1))
    }

    @Test("After close(), every call throws a misuse error and nothing crashes")
    func closeIsFinal() throws {
        let db = try memoryDatabase()
        let kept = try db.prepare("SELECT count(*) FROM t")
        let cachedStatement = try db.cached("INSERT INTO t VALUES(1)")
        db.close()
        db.close()  // idempotent
        #expect(!db.isOpen)
        #expect(db.handle == nil)
        #expect(expectSQLiteError { _ = try db.prepare("SELECT 1") }?.isMisuse == true)
        #expect(expectSQLiteError { try db.execute("SELECT 1") }?.isMisuse == true)
        #expect(expectSQLiteError { try kept.step() }?.isMisuse == true)
        #expect(expectSQLiteError { try cachedStatement.step() }?.message == "connection is closed")
        #expect(expectSQLiteError { try db.transaction {} }?.isMisuse == true)
        #expect(expectSQLiteError { _ = try kept.rows { $0.int64(0) } }?.isMisuse == true)
        #expect(db.lastInsertRowID == 0)
    }

    @Test("A statement that outlives its Connection object fails cleanly")
    func statementOutlivesConnection() throws {
        var db: Connection? = try memoryDatabase()
        let statement = try #require(db).prepare("SELECT 1")
        weak let weakDB = db
        db = nil
        #expect(weakDB == nil, "statements do not keep the Connection alive")
        #expect(expectSQLiteError { try statement.step() }?.isMisuse == true)
    }

    @Test("The file stays consistent across many open/close cycles")
    func reopenCycles() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("cycles.sqlite")
        for i in 0..<20 {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE IF NOT EXISTS t(x)")
            try db.run("INSERT INTO t VALUES(?)", i)
            #expect(try count(db) == Int64(i + 1))
        }
        #expect(try Connection(path: path).integrityCheck() == ["ok"])
    }

    @Test("interrupt() stops a running statement with SQLITE_INTERRUPT")
    func interrupt() throws {
        let db = try Connection(path: ":memory:")
        let statement = try db.prepare(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT i FROM c")
        #expect(try statement.step())
        db.interrupt()
        let error = expectSQLiteError { while try statement.step() {} }
        #expect(error?.isInterrupted == true)
    }
}
