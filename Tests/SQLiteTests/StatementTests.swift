import CSQLite
import Foundation
import Testing

@testable import SQLite

@Suite("Statements, the statement cache and scripts")
struct StatementTests {
    @Test("cached() returns the same Statement for the same SQL and prepares once")
    func cacheReusesStatement() throws {
        let db = try memoryDatabase()
        let first = try db.cached("INSERT INTO t(x) VALUES(?)")
        let second = try db.cached("INSERT INTO t(x) VALUES(?)")
        let other = try db.cached("SELECT x FROM t")
        #expect(first === second)
        #expect(first !== other)
        #expect(first.handle == second.handle)
        #expect(db.cachedStatementCount == 2)
    }

    @Test("cached() resets a part-way-stepped statement before handing it out again (bindings kept)")
    func cacheResetsBeforeReuse() throws {
        let db = try memoryDatabase()
        try db.execute("INSERT INTO t VALUES(1); INSERT INTO t VALUES(2); INSERT INTO t VALUES(3)")
        let select = try db.cached("SELECT x FROM t WHERE x >= ? ORDER BY x")
        try select.bind(2, at: 1)
        #expect(try select.step())
        #expect(select.int64(0) == 2)
        #expect(try select.step())
        #expect(select.int64(0) == 3)

        let again = try db.cached("SELECT x FROM t WHERE x >= ? ORDER BY x")
        #expect(again === select)
        // Reset: it starts from the first row again; the binding (2) is kept.
        #expect(try again.step())
        #expect(again.int64(0) == 2)

        let third = try db.cached("SELECT x FROM t WHERE x >= ? ORDER BY x")
        third.clearBindings()  // `x >= NULL` matches nothing
        #expect(try third.step() == false)
        // step() returning false reset it, so it can be re-bound at once.
        try third.bind(1, at: 1)
        #expect(try third.rows { $0.int64(0) } == [1, 2, 3])
    }

    @Test("cached() from an alternating pair of SQL texts keeps returning the right statements")
    func cacheAlternating() throws {
        let db = try memoryDatabase()
        let insert = "INSERT INTO t(x) VALUES(?)"
        let total = "SELECT count(*) FROM t"
        for i in 1...5 {
            let statement = try db.cached(insert)
            #expect(statement.sql == insert)
            try statement.bind(i, at: 1)
            #expect(try statement.step() == false)
            let counter = try db.cached(total)
            #expect(counter.sql == total)
            #expect(try counter.step())
            #expect(counter.int(0) == i)
        }
        // A dynamically built string with the same text finds the same statement.
        let dynamic = ["INSERT INTO t(x)", "VALUES(?)"].joined(separator: " ")
        #expect(try db.cached(dynamic) === db.cached(insert))
        #expect(db.cachedStatementCount == 2)
    }

    @Test("bindAll, run and query refuse a wrong number of values", arguments: [0, 1, 3])
    func bindingCountMismatch(_ valueCount: Int) throws {
        let db = try memoryDatabase()
        let sql = "INSERT INTO t(x) VALUES(? + ?)"
        let values = Array(repeating: SQLiteValue.integer(1), count: valueCount)
        let arrayError = expectSQLiteError { try db.cached(sql).bindAll(values) }
        #expect(arrayError?.isMisuse == true)
        #expect(arrayError?.message == "the statement has 2 parameters but \(valueCount) values were given")
        let runError = expectSQLiteError {
            switch valueCount {
            case 0: try db.run(sql)
            case 1: try db.run(sql, 1)
            default: try db.run(sql, 1, 2, 3)
            }
        }
        // Too few values: misuse (count check); too many: SQLITE_RANGE from binding the extra one.
        #expect(valueCount < 2 ? runError?.isMisuse == true : runError?.isRange == true)
        #expect(try count(db) == 0)
        try db.run(sql, 1, 2)
        #expect(try db.query("SELECT x FROM t") { $0.int64(0) } == [3])
    }

    @Test("Binding a statement that is part-way through its rows explains the misuse")
    func bindWhileRunning() throws {
        let db = try memoryDatabase()
        try db.execute("INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)")
        let select = try db.prepare("SELECT x FROM t WHERE x > ?")
        try select.bind(0, at: 1)
        #expect(try select.step())
        let error = expectSQLiteError { try select.bind(5, at: 1) }
        #expect(error?.isMisuse == true)
        #expect(error?.description.contains("reset() it before binding") == true)
        select.reset()
        try select.bind(1, at: 1)
        #expect(try select.rows { $0.int64(0) } == [2])
    }

    @Test("A nested request for SQL that is being iterated gets a separate statement")
    func cacheDuringIteration() throws {
        let db = try memoryDatabase()
        try db.execute("INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)")
        let sql = "SELECT x FROM t ORDER BY x"
        let outer = try db.cached(sql)
        var pairs: [[Int64]] = []
        try outer.forEachRow { row in
            let inner = try db.cached(sql)
            #expect(inner !== outer)
            pairs.append([row.int64(0)] + (try inner.rows { $0.int64(0) }))
        }
        #expect(pairs == [[1, 1, 2], [2, 1, 2]])
        #expect(try db.cached(sql) === outer)
    }

    @Test("The cache respects its capacity")
    func cacheCapacity() throws {
        let db = try Connection(path: ":memory:")
        db.statementCacheCapacity = 2
        for value in 1...5 { _ = try db.cached("SELECT \(value)") }
        #expect(db.cachedStatementCount == 2)
        db.statementCacheCapacity = 1
        #expect(db.cachedStatementCount == 1)
        db.clearStatementCache()
        #expect(db.cachedStatementCount == 0)
    }

    @Test("rows/query map every row and reset afterwards")
    func queryConveniences() throws {
        let db = try memoryDatabase()
        for value in 1...4 { try db.run("INSERT INTO t(x) VALUES(?)", value * 10) }
        let big = try db.query("SELECT x FROM t WHERE x > ? ORDER BY x", 15) { $0.int64(0) }
        #expect(big == [20, 30, 40])
        #expect(try db.queryFirst("SELECT x FROM t ORDER BY x DESC") { $0.int64(0) } == 40)
        #expect(try db.queryFirst("SELECT x FROM t WHERE x < 0") { $0.int64(0) } == nil)

        // Stepping a statement to the end twice through rows() gives the same result (reset in between).
        let statement = try db.prepare("SELECT count(*) FROM t")
        #expect(try statement.rows { $0.int64(0) } == [4])
        #expect(try statement.rows { $0.int64(0) } == [4])
    }

    @Test("An error thrown by the row closure propagates and leaves the statement reset")
    func queryClosureThrows() throws {
        let db = try memoryDatabase()
        try db.execute("INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)")
        let statement = try db.prepare("SELECT x FROM t ORDER BY x")
        #expect(throws: TestFailure.self) {
            _ = try statement.rows { _ in throw TestFailure(description: "stop") }
        }
        #expect(!statement.needsReset)
        #expect(try statement.rows { $0.int64(0) } == [1, 2])
    }

    @Test("execute() runs multi-statement scripts and names the failing statement")
    func executeScript() throws {
        let db = try Connection(path: ":memory:")
        try db.execute(
            """
            -- a comment
            CREATE TABLE a(x); INSERT INTO a VALUES('x;y'); /* another */
            CREATE TABLE b(y);
            SELECT * FROM a;
            """)
        #expect(try db.queryFirst("SELECT x FROM a") { $0.string(0) } == "x;y")

        let error = expectSQLiteError {
            try db.execute("CREATE TABLE c(x); INSERT INTO nope VALUES(1); CREATE TABLE d(x)")
        }
        #expect(error?.message == "no such table: nope")
        #expect(error?.sql == "INSERT INTO nope VALUES(1); CREATE TABLE d(x)")
        #expect(try db.queryFirst("SELECT count(*) FROM sqlite_schema WHERE name = 'c'") { $0.int64(0) } == 1)
        #expect(try db.queryFirst("SELECT count(*) FROM sqlite_schema WHERE name = 'd'") { $0.int64(0) } == 0)

        let stepError = expectSQLiteError {
            try db.execute("CREATE TABLE u(x UNIQUE); INSERT INTO u VALUES(1); INSERT INTO u VALUES(1);")
        }
        #expect(stepError?.isUniqueConstraint == true)
        #expect(stepError?.sql == "INSERT INTO u VALUES(1);")
        try db.execute("")  // empty script is fine
        try db.execute("  -- only a comment\n")
    }

    @Test("prepare() refuses zero or several statements but allows trailing semicolons and comments")
    func prepareStatementCount() throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.prepare("SELECT 1;").rows { $0.int64(0) } == [1])
        #expect(try db.prepare("SELECT 2; -- trailing comment").rows { $0.int64(0) } == [2])
        #expect(try db.prepare("SELECT 3 ; ;\n").rows { $0.int64(0) } == [3])

        let several = expectSQLiteError { _ = try db.prepare("SELECT 1; SELECT 2") }
        #expect(several?.isMisuse == true)
        #expect(several?.message.contains("more than one") == true)

        let none = expectSQLiteError { _ = try db.prepare("  -- nothing\n") }
        #expect(none?.isMisuse == true)
    }

    @Test("A syntax error carries the SQL, SQLite's message and the offset")
    func syntaxError() throws {
        let db = try Connection(path: ":memory:")
        let error = expectSQLiteError { _ = try db.prepare("SELECT 1 FROM t WHERE") }
        #expect(error?.code == SQLITE_ERROR)
        #expect(error?.message == "incomplete input")
        #expect(error?.sql == "SELECT 1 FROM t WHERE")
        #expect(error?.description == ":memory:: incomplete input")

        let near = expectSQLiteError { _ = try db.prepare("SELEC 1") }
        #expect(near?.message == "near \"SELEC\": syntax error")
        #expect(near?.offset == 0)
        #expect(near?.debugDescription.contains("sql: SELEC 1") == true)
    }

    static let constraintCases: [(name: String, sql: String, check: @Sendable (SQLiteError) -> Bool)] = [
        ("unique", "INSERT INTO c(u, n) VALUES(1, 1)", { $0.isUniqueConstraint }),
        ("primary key", "INSERT INTO c(id, u, n) VALUES(1, 9, 1)", { $0.isPrimaryKeyConstraint }),
        ("not null", "INSERT INTO c(u, n) VALUES(2, NULL)", { $0.isNotNullConstraint }),
        ("check", "INSERT INTO c(u, n) VALUES(3, -1)", { $0.isCheckConstraint }),
        ("foreign key", "INSERT INTO c(u, n, parent) VALUES(4, 1, 999)", { $0.isForeignKeyConstraint }),
    ]

    @Test("Constraint violations are classified", arguments: constraintCases)
    func constraints(_ testCase: (name: String, sql: String, check: @Sendable (SQLiteError) -> Bool)) throws {
        let db = try Connection(path: ":memory:")
        try db.execute(
            """
            CREATE TABLE p(id INTEGER PRIMARY KEY);
            CREATE TABLE c(id INTEGER PRIMARY KEY, u UNIQUE, n NOT NULL CHECK (n >= 0), parent REFERENCES p(id));
            INSERT INTO c(id, u, n) VALUES(1, 1, 1);
            """)
        let error = expectSQLiteError { try db.run(testCase.sql) }
        #expect(error?.isConstraint == true)
        #expect(error.map(testCase.check) == true, "\(testCase.name): \(String(describing: error))")
        #expect(try count(db, "c") == 1)
    }

    @Test("Error descriptions are one line even when the message is not")
    func oneLineDescription() {
        let error = SQLiteError(
            code: SQLITE_ERROR, message: "first\nsecond\r\nthird", path: "/tmp/x\n.sqlite",
            sql: "SELECT\n1")
        #expect(!error.description.contains("\n"))
        #expect(!error.description.contains("\r"))
        #expect(error.description == "/tmp/x .sqlite: first second third")
        #expect(!error.debugDescription.contains("\n"))
    }
}
