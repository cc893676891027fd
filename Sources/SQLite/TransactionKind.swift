extension Connection {
    /// The `BEGIN` variant used by ``Connection/transaction(_:_:)``.
    public enum TransactionKind: Sendable, Hashable {
        /// `BEGIN DEFERRED`: locks are taken on first read/write. A deferred transaction that
        /// reads and then writes can fail with `SQLITE_BUSY` at once (without waiting) if another
        /// connection wrote in between; prefer ``immediate`` for transactions that write.
        case deferred
        /// `BEGIN IMMEDIATE` (the default): takes the write lock at `BEGIN`, waiting up to the
        /// busy timeout for it, so later statements do not fail with `SQLITE_BUSY`.
        case immediate
        /// `BEGIN EXCLUSIVE`: like ``immediate``; in rollback-journal mode it also keeps readers out.
        /// In WAL mode it behaves like ``immediate``.
        case exclusive

        var beginSQL: String {
            switch self {
            case .deferred: return "BEGIN DEFERRED"
            case .immediate: return "BEGIN IMMEDIATE"
            case .exclusive: return "BEGIN EXCLUSIVE"
            }
        }
    }
}
