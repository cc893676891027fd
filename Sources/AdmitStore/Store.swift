import AdmitDomain
import Foundation
import SQLite

/// Admit's SQLite database: the only place that speaks SQL.
///
/// One file in WAL mode with foreign keys on and a busy timeout; writes go through `write`, which
/// begins with `BEGIN IMMEDIATE` so that two writers queue instead of failing half-way. The file
/// stays an ordinary SQLite database that the `sqlite3` shell can read.
///
/// A `Store` is not thread-safe: use it from one thread (or task) at a time.
public final class Store {
    /// The database file (or `:memory:`).
    public let path: String
    let connection: Connection
    /// The hash chain's head during a write transaction: read at its first append, written
    /// back to `audit_head` when the transaction commits.
    var chain: ChainHead?
    /// `audit_texts` as far as this connection has seen it.
    var texts = TextTable()
    /// One buffer for hashing every row this connection appends or verifies.
    let hasher = RowHasher()
    /// `HotStatement`s once prepared, by number.
    var hotStatements = [Statement?](repeating: nil, count: HotStatement.allCases.count)

    /// The newest schema version this build knows.
    public static var schemaVersion: Int { Migrations.all.count }

    /// Opens the database at `path`, creating it when `create` is true, and migrates it.
    ///
    /// A missing directory, a file that is not a database, a truncated file or a database written
    /// by a newer Admit all fail here with a one-line `StoreError` naming the path.
    public convenience init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(5)) throws(StoreError) {
        try self.init(path: path, create: create, busyTimeout: busyTimeout, migratingTo: Store.schemaVersion)
    }

    /// Opens the database at `path` and migrates it to schema version `target` at most (tests
    /// make databases of an older version with it, to migrate them from there).
    init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(5), migratingTo target: Int) throws(StoreError) {
        self.path = path
        do {
            if path != ":memory:", !create, !FileManager.default.fileExists(atPath: path) {
                throw StoreError(.noSuchFile, path: path)
            }
            connection = try Connection(path: path, mode: .readWrite(create: create), busyTimeout: busyTimeout)
        } catch let error as SQLiteError {
            throw Store.explain(StoreError(error), path: path)
        } catch let error as StoreError {
            throw error
        } catch let cause as StoreError.Cause {
            throw StoreError(cause, path: path)
        } catch {
            throw StoreError(.other("\(error)"), path: path)
        }
        try migrate(to: target)
    }

    /// Adds the cause people need when a file cannot be opened.
    private static func explain(_ error: StoreError, path: String) -> StoreError {
        let directory = (path as NSString).deletingLastPathComponent
        if error.kind == .unusable, !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            return StoreError(.noSuchDirectory(directory), path: path)
        }
        return error
    }

    /// The schema version recorded in the file.
    public func version() throws(StoreError) -> Int {
        try run { Int(try connection.userVersion()) }
    }

    private func migrate(to target: Int) throws(StoreError) {
        let current = try version()
        let supported = Store.schemaVersion
        if current > supported {
            throw StoreError(.tooNew(version: current, supported: supported), path: path)
        }
        guard current < target else { return }
        let rebuilds = Migrations.all[current..<target].contains(where: \.rebuildsTables)
        // Foreign keys can only be switched outside a transaction.
        if rebuilds { try run { try connection.execute("PRAGMA foreign_keys = OFF") } }
        defer { if rebuilds { try? connection.execute("PRAGMA foreign_keys = ON") } }
        try write {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let locked = Int(try connection.userVersion())
            for (index, migration) in Migrations.all.enumerated().prefix(target) where index >= locked {
                try connection.execute(migration.sql)
                try migration.step?(self)
                try connection.setUserVersion(Int32(index + 1))
            }
            if rebuilds,
                let problem = try connection.queryFirst("PRAGMA foreign_key_check", row: { "\($0.string(0) ?? "?") row \($0.int64(1))" })
            {
                throw StoreError(.unresolvedForeignKey(problem), path: path)
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: all of it is written, or none of it.
    /// Audit rows appended in it are chained in order and the head is written before `COMMIT`.
    ///
    /// Waits up to the busy timeout for another writer; then fails with a `.busy` error.
    public func write<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            let result = try run {
                try connection.transaction(.immediate) {
                    let result = try body()
                    try closeChain()
                    return result
                }
            }
            texts.commit()
            return result
        } catch {
            chain = nil
            texts.rollback()
            throw error
        }
    }

    /// `BEGIN IMMEDIATE`, for a writer that commits in steps of its own (`ImportSession`).
    func beginWrite() throws {
        try connection.execute("BEGIN IMMEDIATE")
    }

    /// Writes the chain's head, then `COMMIT`.
    func commitWrite() throws {
        do {
            try closeChain()
            try connection.execute("COMMIT")
            texts.commit()
        } catch {
            rollbackWrite()
            throw error
        }
    }

    /// `ROLLBACK`: nothing since `beginWrite()` is kept.
    func rollbackWrite() {
        if connection.isInTransaction { try? connection.execute("ROLLBACK") }
        chain = nil
        texts.rollback()
    }

    /// Runs `body` in one read transaction, so that it sees one consistent snapshot.
    public func read<T>(_ body: () throws -> T) throws(StoreError) -> T {
        if connection.isInTransaction { return try run(body) }
        return try run { try connection.transaction(.deferred, body) }
    }

    /// Runs `body`, turning any error into a `StoreError` that names this database.
    func run<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw StoreError(error)
        } catch let error as StoreError {
            throw error
        } catch let cause as StoreError.Cause {
            throw StoreError(cause, path: path)
        } catch {
            throw StoreError(.other("\(error)"), path: path)
        }
    }

    /// `PRAGMA integrity_check`: empty when the file is sound.
    public func integrityProblems() throws(StoreError) -> [String] {
        try run { try connection.integrityCheck().filter { $0 != "ok" } }
    }

    /// Closes the database; the store cannot be used afterwards.
    public func close() {
        hotStatements = hotStatements.map { _ in nil }
        connection.close()
    }
}
