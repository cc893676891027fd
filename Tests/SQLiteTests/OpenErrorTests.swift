import CSQLite
import Foundation
import Testing

@testable import SQLite

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Opening bad, missing, truncated and read-only files")
struct OpenErrorTests {
    @Test("A text file is reported as not a database at open")
    func notADatabase() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("text.sqlite")
        try Data("this is just some text, not an SQLite database\n".utf8).write(to: URL(fileURLWithPath: path))

        let error = expectSQLiteError { _ = try Connection(path: path) }
        #expect(error?.isNotADatabase == true)
        #expect(error?.code == SQLITE_NOTADB)
        #expect(error?.description == "\(path): file is not a database")
        #expect(error?.path == path)
        // The file was not modified.
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("this is just some text"))
    }

    /// Fractions of the original size to truncate a multi-page database to.
    static let truncations: [Double] = [0.5, 0.9, 0.1, 0.0001]

    @Test("A truncated database fails clearly at open or at first read, never crashes", arguments: truncations)
    func truncated(_ fraction: Double) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("truncated.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB)")
            try db.transaction {
                for i in 0..<2000 {
                    try db.run("INSERT INTO t(payload) VALUES(?)", [UInt8](repeating: UInt8(i % 251), count: 500))
                }
            }
            db.close()  // checkpoints the WAL into the main file and deletes it
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 100 * 4096)
        let newSize = max(Int(Double(size) * fraction), 1)
        #expect(truncate(path, off_t(newSize)) == 0)

        var error: SQLiteError?
        var failedAtOpen = false
        do {
            let db = try Connection(path: path)
            // If open succeeded, the first real read must fail.
            error = expectSQLiteError { _ = try db.query("SELECT count(*), sum(length(payload)) FROM t") { $0.int64(0) } }
        } catch let openError {
            error = openError
            failedAtOpen = true
        }
        let failure = try #require(error)
        #expect(failure.isCorrupt || failure.isNotADatabase || failure.isIOError, "\(failure.debugDescription)")
        #expect(failure.description.hasPrefix("\(path): "))
        #expect(!failure.description.contains("\n"))
        // SQLite 3.40 compares the header's page count with the file size on the first read,
        // which the initializer forces, so every truncation that keeps the header fails at open.
        #expect(failedAtOpen)
        #expect(
            failure.description == "\(path): database disk image is malformed (the file has \(newSize) bytes but its header says"
                + " \(size / 4096) pages of 4096 bytes = \(size): truncated)")
    }

    @Test("A file truncated to zero bytes is an empty database (SQLite's rule): the table is simply missing")
    func truncatedToZero() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("zero.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES(1)")
        }
        #expect(truncate(path, 0) == 0)
        let db = try Connection(path: path)
        let error = expectSQLiteError { _ = try count(db) }
        #expect(error?.message == "no such table: t")
    }

    @Test("readOnly mode reads, and refuses writes with a clear error")
    func readOnlyMode() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("ro.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES('before')")
        }
        chmod(path, 0o444)
        let db = try Connection(path: path, mode: .readOnly)
        #expect(db.isReadOnly)
        #expect(try db.query("SELECT x FROM t") { $0.string(0) } == ["before"])

        let error = expectSQLiteError { try db.run("INSERT INTO t VALUES('after')") }
        #expect(error?.isReadOnly == true)
        #expect(error?.description == "\(path): attempt to write a readonly database")
        let transactionError = expectSQLiteError { try db.transaction { try db.run("DELETE FROM t") } }
        #expect(transactionError?.isReadOnly == true)
        #expect(try count(db) == 1)
    }

    @Test(
        "A 0444 file opened read-write is read-only for a normal user",
        .disabled(if: isRoot, "root ignores file permissions, so chmod cannot make the file read-only"))
    func chmodReadOnlyAsUser() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("chmod.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(x)")
        }
        #expect(chmod(path, 0o444) == 0)
        let db = try Connection(path: path, mode: .readWrite(create: false))
        #expect(db.isReadOnly)
        let error = expectSQLiteError { try db.run("INSERT INTO t VALUES(1)") }
        #expect(error?.isReadOnly == true)
        #expect(error?.description.hasPrefix("\(path): attempt to write a readonly database") == true)
    }

    @Test(
        "As root a 0444 file stays writable (why the read-only tests use .readOnly)",
        .enabled(if: isRoot, "only meaningful as root"))
    func chmodIgnoredByRoot() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.path("root.sqlite")
        do {
            let db = try Connection(path: path)
            try db.execute("CREATE TABLE t(x)")
        }
        #expect(chmod(path, 0o444) == 0)
        let db = try Connection(path: path, mode: .readWrite(create: false))
        #expect(!db.isReadOnly)
        try db.run("INSERT INTO t VALUES(1)")
        #expect(try count(db) == 1)
    }

    @Test(
        "Creating a database in a read-only directory explains the permission problem",
        .disabled(if: isRoot, "root ignores directory permissions"))
    func readOnlyDirectory() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let locked = dir.path("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        #expect(chmod(locked, 0o555) == 0)
        defer { chmod(locked, 0o755) }
        let path = locked + "/x.sqlite"
        let error = expectSQLiteError { _ = try Connection(path: path) }
        #expect(error?.isCantOpen == true)
        #expect(error?.description == "\(path): unable to open database file (cannot create the file in \(locked): permission denied)")
    }

    @Test("A path in a missing directory fails at open, naming the path and the reason")
    func missingDirectory() throws {
        let path = "/nonexistent/dir/x.sqlite"
        let error = expectSQLiteError { _ = try Connection(path: path) }
        #expect(error?.isCantOpen == true)
        #expect(error?.description == "/nonexistent/dir/x.sqlite: unable to open database file (directory does not exist)")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
    }

    enum BadPath: String, CaseIterable, CustomTestStringConvertible {
        case missingFileNoCreate, missingFileReadOnly, directory, parentIsFile, missingTempSubdirectory
        var testDescription: String { rawValue }
    }

    @Test("Open failures explain themselves", arguments: BadPath.allCases)
    func openFailures(_ kind: BadPath) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path: String
        let mode: Connection.OpenMode
        let expectedCause: String
        switch kind {
        case .missingFileNoCreate:
            path = dir.path("missing.sqlite")
            mode = .readWrite(create: false)
            expectedCause = "unable to open database file (file does not exist)"
        case .missingFileReadOnly:
            path = dir.path("missing.sqlite")
            mode = .readOnly
            expectedCause = "unable to open database file (file does not exist)"
        case .directory:
            path = dir.url.path
            mode = .readWrite(create: true)
            expectedCause = "unable to open database file (path is a directory)"
        case .parentIsFile:
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path("file")))
            path = dir.path("file") + "/x.sqlite"
            mode = .readWrite(create: true)
            expectedCause = "unable to open database file (a parent path component is not a directory)"
        case .missingTempSubdirectory:
            path = dir.path("no/such/dir/x.sqlite")
            mode = .readWrite(create: true)
            expectedCause = "unable to open database file (directory does not exist)"
        }
        let error = expectSQLiteError { _ = try Connection(path: path, mode: mode) }
        #expect(error?.isCantOpen == true)
        #expect(error?.description == "\(path): \(expectedCause)")
        #expect(!FileManager.default.fileExists(atPath: path) || kind == .directory, "no file was created")
    }
}
