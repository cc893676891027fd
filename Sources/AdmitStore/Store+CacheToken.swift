import SQLite

/// What a cache of the database's facts asks to know whether it is still current: together,
/// `dataVersion()` (other connections' commits) and `changeCount` (this connection's own).
extension Store {
    /// `PRAGMA data_version`: a number that changes whenever another connection (in this process
    /// or another) has committed to the file since the last call; this connection's own commits
    /// leave it as it is.
    ///
    /// Cheap (no disk read), so a cache of the database's facts can ask it once per batch of
    /// requests and drop itself when it changed.
    public func dataVersion() throws(StoreError) -> Int64 {
        try run { try connection.queryFirst("PRAGMA data_version") { $0.int64(0) } ?? 0 }
    }

    /// How many rows this connection has inserted, updated or deleted since it was opened
    /// (`sqlite3_total_changes64`): with `dataVersion()`, it tells a cache whether anything at
    /// all has changed since it last looked.
    public var changeCount: Int64 { connection.totalChanges }
}
