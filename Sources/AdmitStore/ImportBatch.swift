import AdmitDomain

/// One run of a bulk import, as the `import_batches` table records it.
public struct ImportBatch: Sendable, Hashable {
    /// Where a batch is.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Started and not finished: still running, or interrupted (the process was killed).
        case running
        /// Every row was read to the end and its outcome committed.
        case completed
        /// Stopped by an error, or rolled back as a whole (`--atomic` with a rejected row).
        case failed
    }

    public var id: Int64
    /// The file as the user named it (`-` for standard input).
    public var fileName: String
    /// SHA-256 of the file's bytes in hex; empty while unknown (standard input before its end).
    public var sha256: String
    public var actor: String
    public var startedAt: Instant
    public var endedAt: Instant?
    public var status: Status
    /// A JSON object with the counts per outcome, updated at every commit.
    public var counts: String?

    public init(
        id: Int64, fileName: String, sha256: String, actor: String, startedAt: Instant, endedAt: Instant? = nil,
        status: Status = .running, counts: String? = nil
    ) {
        self.id = id
        self.fileName = fileName
        self.sha256 = sha256
        self.actor = actor
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.counts = counts
    }
}
