import CSQLite
import Foundation
import Testing

@testable import SQLite

@Suite("Transactions and savepoints")
struct TransactionTests {
    @Test("A transaction whose body throws leaves nothing behind")
    func throwingBodyRollsBack() throws {
        let db = try memoryDatabase()
        #expect(throws: TestFailure.self) {
            try db.transaction {
                try db.run("INSERT INTO t(x) VALUES(?)", 1)
                try db.run("INSERT INTO t(x) VALUES(?)", 2)
                #expect(try count(db) == 2)
                throw TestFailure(description: "abort")
            }
        }
        #expect(try count(db) == 0)
        #expect(!db.isInTransaction)
    }

    @Test("A failing statement inside the body rolls back the earlier ones")
    func sqliteErrorRollsBack() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE u(x UNIQUE)")
        let error = expectSQLiteError {
            try db.transaction {
                try db.run("INSERT INTO u VALUES(1)")
                try db.run("INSERT INTO u VALUES(1)")
            }
        }
        #expect(error?.isUniqueConstraint == true)
        #expect(try count(db, "u") == 0)
    }

    @Test("A committed transaction persists across reopening the file")
    func commitPersists() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("persist.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(x)")
            let result = try db.transaction {
                try db.run("INSERT INTO t(x) VALUES(?)", "kept")
                return db.lastInsertRowID
            }
            #expect(result == 1)
            db.close()
        }
        let reopened = try Connection(path: path, mode: .readWrite(create: false))
        #expect(try reopened.query("SELECT x FROM t") { $0.string(0) } == ["kept"])
    }

    @Test("Nested transaction() is refused with a misuse error and leaves the outer one usable")
    func nestedTransactionRefused() throws {
        let db = try memoryDatabase()
        try db.transaction {
            try db.run("INSERT INTO t(x) VALUES(1)")
            let error = expectSQLiteError {
                try db.transaction { try db.run("INSERT INTO t(x) VALUES(2)") }
            }
            #expect(error?.isMisuse == true)
            #expect(error?.message.contains("cannot start a transaction within a transaction") == true)
            #expect(db.isInTransaction)
            try db.run("INSERT INTO t(x) VALUES(3)")
        }
        #expect(try db.query("SELECT x FROM t ORDER BY x") { $0.int64(0) } == [1, 3])
    }

    @Test("Savepoints nest inside a transaction; a throwing savepoint undoes only its own work")
    func savepointsNest() throws {
        let db = try memoryDatabase()
        try db.transaction {
            try db.run("INSERT INTO t(x) VALUES(1)")
            #expect(throws: TestFailure.self) {
                try db.savepoint("inner") {
                    try db.run("INSERT INTO t(x) VALUES(2)")
                    throw TestFailure(description: "undo inner")
                }
            }
            try db.savepoint("kept") {
                try db.run("INSERT INTO t(x) VALUES(3)")
                try db.savepoint("deeper \"quoted\" name") {
                    try db.run("INSERT INTO t(x) VALUES(4)")
                }
            }
            #expect(db.isInTransaction)
        }
        #expect(try db.query("SELECT x FROM t ORDER BY x") { $0.int64(0) } == [1, 3, 4])
    }

    @Test("A savepoint outside a transaction commits on release or rolls back on error")
    func savepointAsTransaction() throws {
        let db = try memoryDatabase()
        let value = try db.savepoint {
            try db.run("INSERT INTO t(x) VALUES(1)")
            #expect(db.isInTransaction)
            return 7
        }
        #expect(value == 7)
        #expect(!db.isInTransaction)
        #expect(throws: TestFailure.self) {
            try db.savepoint {
                try db.run("INSERT INTO t(x) VALUES(2)")
                throw TestFailure(description: "no")
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.query("SELECT x FROM t") { $0.int64(0) } == [1])
    }

    @Test("A failing COMMIT (deferred foreign key) rolls back and throws")
    func commitFailureRollsBack() throws {
        let db = try Connection(path: ":memory:")
        try db.execute(
            """
            CREATE TABLE p(id INTEGER PRIMARY KEY);
            CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = expectSQLiteError {
            try db.transaction {
                try db.run("INSERT INTO c(p) VALUES(42)")  // allowed until COMMIT
            }
        }
        #expect(error?.isForeignKeyConstraint == true)
        #expect(error?.sql == "COMMIT")
        #expect(!db.isInTransaction)
        #expect(try count(db, "c") == 0)
    }

    @Test(
        "Each kind issues its BEGIN: immediate/exclusive take the write lock at once, deferred does not",
        arguments: [Connection.TransactionKind.deferred, .immediate, .exclusive])
    func kinds(_ kind: Connection.TransactionKind) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("kinds.sqlite")
        let db = try Connection(path: path)
        try db.execute("CREATE TABLE t(x)")
        let other = try Connection(path: path, busyTimeout: .zero)

        try db.transaction(kind) {
            #expect(db.isInTransaction)
            if kind == .deferred {
                try other.execute("BEGIN IMMEDIATE; ROLLBACK")  // no lock held yet
            } else {
                let error = expectSQLiteError { try other.execute("BEGIN IMMEDIATE") }
                #expect(error?.isBusy == true)
                #expect(!other.isInTransaction)
            }
            try db.run("INSERT INTO t(x) VALUES(?)", "\(kind)")
        }
        #expect(try count(other) == 1)
    }

    @Test("lastInsertRowID and changes report the latest statement")
    func changesAndRowID() throws {
        let db = try memoryDatabase()
        try db.run("INSERT INTO t(x) VALUES(1)")
        try db.run("INSERT INTO t(x) VALUES(2)")
        #expect(db.lastInsertRowID == 2)
        try db.run("INSERT INTO t(rowid, x) VALUES(100, 3)")
        #expect(db.lastInsertRowID == 100)
        #expect(db.changes == 1)
        try db.run("UPDATE t SET x = x + 1")
        #expect(db.changes == 3)
        try db.run("DELETE FROM t WHERE x > ?", 2)
        #expect(db.changes == 2)
        #expect(db.totalChanges == 3 + 3 + 2)
    }

    @Test("user_version is transactional")
    func userVersionRollsBack() throws {
        let db = try Connection(path: ":memory:")
        try db.setUserVersion(1)
        #expect(throws: TestFailure.self) {
            try db.transaction {
                try db.setUserVersion(2)
                #expect(try db.userVersion() == 2)
                throw TestFailure(description: "no")
            }
        }
        #expect(try db.userVersion() == 1)
    }
}
