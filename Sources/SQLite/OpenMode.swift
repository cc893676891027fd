extension Connection {
    /// How ``Connection/init(path:mode:busyTimeout:)`` opens the database file.
    public enum OpenMode: Sendable, Hashable {
        /// Read and write; with `create: true` the file is created if missing
        /// (its directory must exist). Note: if the operating system refuses write access
        /// (for example a `0444` file for a non-root user), SQLite silently opens read-only;
        /// see ``Connection/isReadOnly``.
        case readWrite(create: Bool)
        /// Read only: writes fail with `SQLITE_READONLY`. The file must exist.
        case readOnly
    }
}
