/// The limits that keep one client from taking the service's memory or time.
public struct ServiceLimits: Sendable, Hashable {
    /// The longest line, in bytes before its newline (`--max-line-bytes`, default 1 MiB).
    public var maxLineBytes: Int
    /// The most TCP clients served at once (`--max-connections`, default 256); one more gets
    /// an error line and is closed.
    public var maxConnections: Int
    /// The most requests in one batch array (`--max-batch`, default 1,000).
    public var maxBatch: Int
    /// The most audit rows `audit.enrolments` indexes before it reports (`--max-report-catch-up`,
    /// default 100,000: a few seconds). The worker that does it answers every other request, so
    /// past this the method refuses and names the backlog; the command line catches up instead.
    public var maxReportCatchUp: Int64
    /// The most TCP clients served at once from one address (`--max-connections-per-peer`,
    /// default 64), so that one host cannot take every connection.
    public var maxConnectionsPerPeer: Int
    /// How long a TCP client may go without completing a line while nothing of its is being
    /// answered (`--idle-timeout`, default 60 s): an idle client, or one that trickles a line,
    /// gets an error line and is closed, so it cannot hold a connection forever.
    public var idleTimeout: Duration

    public init(
        maxLineBytes: Int = 1 << 20, maxConnections: Int = 256, maxBatch: Int = 1000, maxReportCatchUp: Int64 = 100_000,
        maxConnectionsPerPeer: Int = 64, idleTimeout: Duration = .seconds(60)
    ) {
        self.maxLineBytes = maxLineBytes
        self.maxConnections = maxConnections
        self.maxBatch = maxBatch
        self.maxReportCatchUp = maxReportCatchUp
        self.maxConnectionsPerPeer = maxConnectionsPerPeer
        self.idleTimeout = idleTimeout
    }

    /// Checks that every limit is usable.
    public func validate() throws(ServiceError) {
        guard maxLineBytes >= 64 else { throw .configuration("--max-line-bytes must be at least 64") }
        guard maxConnections >= 1 else { throw .configuration("--max-connections must be at least 1") }
        guard maxBatch >= 1 else { throw .configuration("--max-batch must be at least 1") }
        guard maxReportCatchUp >= 0 else { throw .configuration("--max-report-catch-up must be at least 0") }
        guard maxConnectionsPerPeer >= 1 else { throw .configuration("--max-connections-per-peer must be at least 1") }
        guard idleTimeout >= .milliseconds(10) else { throw .configuration("--idle-timeout must be at least 0.01 seconds") }
    }

    /// `idleTimeout` in whole milliseconds.
    var idleTimeoutMilliseconds: Int64 {
        idleTimeout.components.seconds * 1000 + idleTimeout.components.attoseconds / 1_000_000_000_000_000
    }
}
