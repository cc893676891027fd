extension Connection {
    /// The result of ``Connection/walCheckpoint(_:)``.
    public struct CheckpointResult: Sendable, Hashable {
        /// Frames in the WAL file (-1 if the database is not in WAL mode).
        public let walFrames: Int
        /// Frames copied back into the database file (-1 if not in WAL mode).
        public let checkpointedFrames: Int
    }
}
