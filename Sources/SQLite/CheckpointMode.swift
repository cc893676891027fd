import CSQLite

extension Connection {
    /// The mode of ``Connection/walCheckpoint(_:)`` (`sqlite3_wal_checkpoint_v2`).
    public enum CheckpointMode: Sendable, Hashable {
        /// Copy as many frames as possible without waiting for readers or writers.
        case passive
        /// Wait (busy handler) for writers, then copy all frames; waits for readers.
        case full
        /// Like ``full``, then also waits until readers are done so the next writer restarts the WAL.
        case restart
        /// Like ``restart``, then truncates the `-wal` file to zero bytes.
        case truncate

        var rawValue: Int32 {
            switch self {
            case .passive: return SQLITE_CHECKPOINT_PASSIVE
            case .full: return SQLITE_CHECKPOINT_FULL
            case .restart: return SQLITE_CHECKPOINT_RESTART
            case .truncate: return SQLITE_CHECKPOINT_TRUNCATE
            }
        }
    }
}
