import Foundation
import Testing

@testable import SQLite

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("SQLiteTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        // Restore write bits first so a chmod-ed file does not block cleanup for non-root users.
        if let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) {
            for name in names { chmod(path(name), 0o644) }
        }
        try? FileManager.default.removeItem(at: url)
    }
}

/// `true` when the tests run as root (file permissions do not stop root from writing).
let isRoot = getuid() == 0

/// `true` if the sqlite3 command-line shell is installed.
let sqliteShellPath: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// Opens an in-memory database with a table `t(x)` (no type affinity, so values keep their class).
func memoryDatabase() throws -> Connection {
    let db = try Connection(path: ":memory:")
    try db.execute("CREATE TABLE t(x)")
    return db
}

/// Inserts `value` with `bind` into `t(x)` and returns the statement positioned on the row read back
/// (`SELECT x, typeof(x), length(CAST(x AS BLOB)) FROM t`).
func roundTrip(_ db: Connection, bind: (Statement) throws -> Void) throws -> Statement {
    try db.execute("DELETE FROM t")
    let insert = try db.cached("INSERT INTO t(x) VALUES(?)")
    try bind(insert)
    #expect(try insert.step() == false)
    #expect(db.changes == 1)
    let select = try db.cached("SELECT x, typeof(x), length(CAST(x AS BLOB)) FROM t")
    #expect(try select.step() == true)
    return select
}

/// Runs `body`, which must throw an ``SQLiteError``, and returns it (recording an issue otherwise).
func expectSQLiteError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> SQLiteError? {
    do {
        try body()
        Issue.record("expected an SQLiteError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SQLiteError {
        #expect(!error.description.contains("\n"), "description must be one line", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected an SQLiteError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Counts rows of `table` through a given connection.
func count(_ db: Connection, _ table: String = "t") throws -> Int64 {
    try db.queryFirst("SELECT count(*) FROM \(table)") { $0.int64(0) } ?? -1
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}
