import AdmitDomain

/// What a partition job (`admit audit partitions`, PostgreSQL) did to the decision log's day partitions.
public struct PartitionReport: Sendable, Hashable {
    /// Days whose partition was made.
    public var created: [LocalDate] = []
    /// Days asked for whose decisions are in the default partition already: no partition can be
    /// made for them (their rows stay in the default partition, which is never dropped).
    public var inDefault: [LocalDate] = []
    /// Days whose partition was dropped.
    public var dropped: [LocalDate] = []
    /// The archive point recorded for each writer with rows in a dropped partition.
    public var archived: [ArchivePoint] = []
    /// Decisions from before the drop day that stay, in the default partition.
    public var keptInDefault: Int64 = 0
    /// Every day that has a partition now, oldest first.
    public var partitions: [LocalDate] = []

    public init() {}

    /// A writer's chain is verified from the row after `seq` on.
    public struct ArchivePoint: Sendable, Hashable {
        public var writer: String
        public var seq: Int64

        public init(writer: String, seq: Int64) {
            self.writer = writer
            self.seq = seq
        }
    }
}
