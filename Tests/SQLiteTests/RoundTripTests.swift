import CSQLite
import Foundation
import Testing

@testable import SQLite

@Suite("Binding and reading values round-trip")
struct RoundTripTests {
    @Test("Int64 round-trips, including the extremes", arguments: [Int64.min, Int64.min + 1, -1, 0, 1, 42, Int64.max - 1, Int64.max])
    func int64(_ value: Int64) throws {
        let db = try memoryDatabase()
        let row = try roundTrip(db) { try $0.bind(value, at: 1) }
        #expect(row.int64(0) == value)
        #expect(row.string(1) == "integer")
        #expect(row.value(0) == .integer(value))
    }

    @Test("Int and Int32 round-trip", arguments: [Int.min, -7, 0, 7, Int.max])
    func int(_ value: Int) throws {
        let db = try memoryDatabase()
        #expect(try roundTrip(db) { try $0.bind(value, at: 1) }.int(0) == value)
        let small = Int32(truncatingIfNeeded: value)
        #expect(try roundTrip(db) { try $0.bind(small, at: 1) }.int64(0) == Int64(small))
    }

    @Test(
        "Double round-trips",
        arguments: [
            0.0, -0.0, 1.5, -2.25, Double.pi, 1e-300, -1e300,
            Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude,
            Double.infinity, -Double.infinity,
        ])
    func double(_ value: Double) throws {
        let db = try memoryDatabase()
        let row = try roundTrip(db) { try $0.bind(value, at: 1) }
        #expect(row.double(0) == value)
        #expect(row.double(0).sign == value.sign || value == 0)
        #expect(row.string(1) == "real")
    }

    @Test("NaN is stored as NULL by SQLite")
    func nan() throws {
        let db = try memoryDatabase()
        let row = try roundTrip(db) { try $0.bind(Double.nan, at: 1) }
        #expect(row.isNull(0))
        #expect(row.string(1) == "null")
    }

    static let strings: [String] = [
        "",
        "'",
        "\"",
        ";",
        "--",
        "' OR 1=1 --",
        "'); DROP TABLE t; --",
        "a\0b",
        "\0",
        "\0\0trailing",
        "emoji 👩‍👩‍👧‍👦🚀 and é / é",
        "line\nbreak\r\ttab",
        "%s %d ? ?1 :name @x $y",
        String(repeating: "long ", count: 20_000),
    ]

    @Test("Strings round-trip as data (quotes, SQL metacharacters, NULs, emoji)", arguments: strings)
    func string(_ value: String) throws {
        let db = try memoryDatabase()
        let row = try roundTrip(db) { try $0.bind(value, at: 1) }
        #expect(row.string(0) == value)
        #expect(row.string(1) == "text")
        #expect(row.int64(2) == Int64(value.utf8.count), "byte length, embedded NULs included")
        #expect(row.value(0) == .text(value))
        #expect(row.blob(0) == Array(value.utf8))

        // The value is data: the table still exists, holds one row, and an equality lookup finds it.
        #expect(try count(db) == 1)
        let found = try db.query("SELECT count(*) FROM t WHERE x = ?", value) { $0.int64(0) }
        #expect(found == [1])
    }

    static let blobs: [[UInt8]] = [
        [],
        [0],
        [0, 1, 2, 0, 255],
        Array("not text \0 at all".utf8),
        (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) },
    ]

    @Test("Blobs round-trip, and an empty blob is not NULL", arguments: blobs)
    func blob(_ value: [UInt8]) throws {
        let db = try memoryDatabase()
        for useRawBuffer in [false, true] {
            let row = try roundTrip(db) { statement in
                if useRawBuffer {
                    try value.withUnsafeBytes { try statement.bind($0, at: 1) }
                } else {
                    try statement.bind(value, at: 1)
                }
            }
            #expect(row.blob(0) == value)
            #expect(row.string(1) == "blob")
            #expect(row.int64(2) == Int64(value.count))
            #expect(!row.isNull(0))
            #expect(row.withBlob(0) { Array($0) } == value)
            #expect(row.value(0) == .blob(value))
        }
    }

    @Test("NULL binds and reads as NULL in every form")
    func null() throws {
        let db = try memoryDatabase()
        let binders: [(Statement) throws -> Void] = [
            { try $0.bindNull(at: 1) },
            { try $0.bind(Optional<Int64>.none, at: 1) },
            { try $0.bind(Optional<String>.none, at: 1) },
            { try $0.bind(SQLiteValue.null, at: 1) },
            { try $0.bindAll(Optional<[UInt8]>.none) },
            { _ in },  // never bound: parameters start as NULL
        ]
        for binder in binders {
            let row = try roundTrip(db, bind: binder)
            #expect(row.isNull(0))
            #expect(row.string(0) == nil)
            #expect(row.blob(0) == nil)
            #expect(row.int64(0) == 0)
            #expect(row.double(0) == 0)
            #expect(row.value(0) == .null)
            #expect(row.string(1) == "null")
        }
    }

    @Test("Bool binds as 1/0", arguments: [true, false])
    func bool(_ value: Bool) throws {
        let db = try memoryDatabase()
        let row = try roundTrip(db) { try $0.bind(value, at: 1) }
        #expect(row.int64(0) == (value ? 1 : 0))
        #expect(row.bool(0) == value)
        #expect(row.string(1) == "integer")
    }

    @Test("Optional with a value binds the value")
    func optionalSome() throws {
        let db = try memoryDatabase()
        let value: String? = "present"
        #expect(try roundTrip(db) { try $0.bind(value, at: 1) }.string(0) == "present")
    }

    @Test(
        "SQLiteValue round-trips with its storage class",
        arguments: [SQLiteValue.null, 7, -3.5, "text'; --", .blob([1, 2, 3]), true, .integer(.min)])
    func sqliteValue(_ value: SQLiteValue) throws {
        let db = try memoryDatabase()
        #expect(try roundTrip(db) { try $0.bind(value, at: 1) }.value(0) == value)
    }

    @Test("bindAll binds a parameter pack and an array in order")
    func bindAll() throws {
        let db = try Connection(path: ":memory:")
        let statement = try db.prepare("SELECT ?, ?, ?, ?, ?, ?, typeof(?5)")
        try statement.bindAll(Int64(-9), "two", 3.5, true, Optional<Int>.none, [UInt8]([9, 8]))
        #expect(try statement.step())
        #expect(statement.int64(0) == -9)
        #expect(statement.string(1) == "two")
        #expect(statement.double(2) == 3.5)
        #expect(statement.int64(3) == 1)
        #expect(statement.isNull(4))
        #expect(statement.blob(5) == [9, 8])
        #expect(statement.string(6) == "null")

        statement.reset()
        try statement.bindAll([1, "x", nil, 2.5, .blob([]), false] as [SQLiteValue])
        #expect(try statement.step())
        #expect((0..<6).map { statement.value($0) } == [1, "x", .null, 2.5, .blob([]), 0])
    }

    @Test(
        "bindAll, run and query agree for every arity (fixed-arity overloads 1...6, parameter pack beyond)",
        arguments: 1...8)
    func bindAllArities(_ arity: Int) throws {
        let db = try Connection(path: ":memory:")
        let placeholders = Array(repeating: "?", count: arity).joined(separator: ", ")
        try db.execute("CREATE TABLE w(" + (1...arity).map { "c\($0)" }.joined(separator: ", ") + ")")
        let insert = "INSERT INTO w VALUES(\(placeholders))"
        let select = "SELECT * FROM w WHERE c1 = ?"
        let v: [Int64] = (1...Int64(arity)).map { $0 * 11 }
        switch arity {
        case 1: try db.run(insert, v[0])
        case 2: try db.run(insert, v[0], v[1])
        case 3: try db.run(insert, v[0], v[1], v[2])
        case 4: try db.run(insert, v[0], v[1], v[2], v[3])
        case 5: try db.run(insert, v[0], v[1], v[2], v[3], v[4])
        case 6: try db.run(insert, v[0], v[1], v[2], v[3], v[4], v[5])
        case 7: try db.run(insert, v[0], v[1], v[2], v[3], v[4], v[5], v[6])
        default: try db.run(insert, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
        }
        let row = try db.queryFirst(select, v[0]) { statement in (0..<statement.columnCount).map { statement.int64($0) } }
        #expect(row == v)
        let statement = try db.prepare("SELECT \(placeholders)")
        switch arity {
        case 1: try statement.bindAll("a")
        case 2: try statement.bindAll("a", 2)
        case 3: try statement.bindAll("a", 2, 3.5)
        case 4: try statement.bindAll("a", 2, 3.5, true)
        case 5: try statement.bindAll("a", 2, 3.5, true, [UInt8]([5]))
        case 6: try statement.bindAll("a", 2, 3.5, true, [UInt8]([5]), Optional<Int>.none)
        case 7: try statement.bindAll("a", 2, 3.5, true, [UInt8]([5]), Optional<Int>.none, SQLiteValue.text("g"))
        default: try statement.bindAll("a", 2, 3.5, true, [UInt8]([5]), Optional<Int>.none, SQLiteValue.text("g"), Int32(8))
        }
        let expected: [SQLiteValue] = ["a", 2, 3.5, 1, .blob([5]), .null, "g", 8]
        #expect(try statement.rows { row in (0..<Int32(arity)).map { row.value($0) } } == [Array(expected.prefix(arity))])
    }

    @Test("Binding an out-of-range index throws SQLITE_RANGE", arguments: [Int32(0), 2, 100])
    func outOfRange(_ index: Int32) throws {
        let db = try Connection(path: ":memory:")
        let statement = try db.prepare("SELECT ?")
        let error = expectSQLiteError { try statement.bind(Int64(1), at: index) }
        #expect(error?.isRange == true)
        #expect(error?.code == SQLITE_RANGE)
    }

    @Test("Named parameters resolve to their index")
    func namedParameters() throws {
        let db = try Connection(path: ":memory:")
        let statement = try db.prepare("SELECT :a, @b, $c")
        #expect(statement.parameterCount == 3)
        #expect(statement.parameterIndex(":a") == 1)
        #expect(statement.parameterIndex("@b") == 2)
        #expect(statement.parameterIndex("$c") == 3)
        #expect(statement.parameterIndex(":missing") == nil)
        try statement.bind("second", at: try #require(statement.parameterIndex("@b")))
        #expect(try statement.step())
        #expect(statement.string(1) == "second")
    }

    @Test("Column count and names")
    func columns() throws {
        let db = try Connection(path: ":memory:")
        let statement = try db.prepare("SELECT 1 AS one, 'x' AS \"two words\", NULL")
        #expect(statement.columnCount == 3)
        #expect(statement.columnName(0) == "one")
        #expect(statement.columnName(1) == "two words")
        #expect(statement.columnName(2) == "NULL")
        #expect(statement.isReadOnly)
    }
}
