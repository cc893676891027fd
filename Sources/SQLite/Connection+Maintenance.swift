import CSQLite

extension Connection {
    /// `PRAGMA user_version`: an application-defined 32-bit number stored in the database
    /// header, typically the schema version for migrations.
    public func userVersion() throws(SQLiteError) -> Int32 {
        let statement = try cached("PRAGMA user_version")
        defer { statement.reset() }
        guard try statement.step() else { return 0 }
        return Int32(truncatingIfNeeded: statement.int64(0))
    }

    /// Sets `PRAGMA user_version` (transactional: inside a transaction it is rolled back with it).
    public func setUserVersion(_ version: Int32) throws(SQLiteError) {
        try executeOne("PRAGMA user_version = \(version)")
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound database, otherwise up to `maxErrors`
    /// problem descriptions. A badly damaged file can also make it throw (e.g. `SQLITE_CORRUPT`).
    public func integrityCheck(maxErrors: Int = 100) throws(SQLiteError) -> [String] {
        let statement = try prepare("PRAGMA integrity_check(\(Swift.max(maxErrors, 1)))")
        var lines: [String] = []
        while try statement.step() {
            lines.append(statement.string(0) ?? "")
        }
        return lines
    }

    /// Checkpoints the write-ahead log of the main database (`sqlite3_wal_checkpoint_v2`).
    /// On a database not in WAL mode it does nothing and returns -1 counts.
    /// Modes other than ``CheckpointMode/passive`` wait up to ``busyTimeout`` and can throw `SQLITE_BUSY`.
    @discardableResult
    public func walCheckpoint(_ mode: CheckpointMode = .passive) throws(SQLiteError) -> CheckpointResult {
        let db = try database.open()
        var logFrames: Int32 = 0
        var checkpointed: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db, nil, mode.rawValue, &logFrames, &checkpointed)
        if rc != SQLITE_OK {
            throw database.error(rc, db: db, sql: nil)
        }
        return CheckpointResult(walFrames: Int(logFrames), checkpointedFrames: Int(checkpointed))
    }

    /// The current journal mode (`PRAGMA journal_mode`), e.g. `"wal"`, `"memory"`, `"delete"`.
    public func journalMode() throws(SQLiteError) -> String {
        try pragmaValue("PRAGMA journal_mode") ?? ""
    }
}
