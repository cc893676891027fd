import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// The decision log's partitions, one per UTC day (`audit_decisions_YYYYMMDD`), made ahead of
/// the days they hold, and dropped when the days are older than the log keeps (Docs/scaling.md).
extension PostgresStore {
    /// The advisory lock that keeps two partition jobs from running at once.
    static let partitionLockKey: Int64 = 0x41_64_6D_69_74_50

    /// Makes a partition for each of `days` that has none, and with `dropBefore` drops every day
    /// partition before that day, recording each writer's last dropped row as its archive point
    /// first; one transaction, under an advisory lock. `now` is recorded with the archive points.
    public func managePartitions(create days: [LocalDate], dropBefore: LocalDate?, at now: Instant) async throws(PostgresStoreError)
        -> PartitionReport
    {
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection -> PartitionReport in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.partitionLockKey))", logger: logger)
                // Making and dropping partitions locks the log's table: rather fail than hold its
                // appends behind a long reader (a report, a verification) for longer than this.
                try await connection.query("SET LOCAL lock_timeout = '5s'", logger: logger)
                var report = PartitionReport()
                var existing = Set(try await Self.dayPartitions(on: connection, logger: logger))
                for day in Set(days).sorted() where !existing.contains(day) {
                    let bound = day.description
                    let taken = try await connection.query(
                        "SELECT EXISTS (SELECT 1 FROM audit_decisions_default WHERE day = \(bound)::date)", logger: logger
                    ).collect()
                    if try taken.first?.decode(Bool.self) == true {
                        report.inDefault.append(day)
                        continue
                    }
                    let name = Self.partitionName(day)
                    let next = day.nextDay.description
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: """
                                CREATE TABLE \(name) PARTITION OF audit_decisions FOR VALUES FROM ('\(bound)') TO ('\(next)')
                                """), logger: logger)
                    // Row triggers are cloned to a new partition; TRUNCATE's, per table, are not.
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: """
                                CREATE TRIGGER \(name)_no_truncate BEFORE TRUNCATE ON \(name)
                                FOR EACH STATEMENT EXECUTE FUNCTION admit_append_only()
                                """), logger: logger)
                    existing.insert(day)
                    report.created.append(day)
                }
                if let dropBefore {
                    var points: [Int32: (seq: Int64, hash: ByteBuffer)] = [:]
                    let doomed = existing.sorted().filter { $0 < dropBefore }
                    // Locked first: a writer's append under way into one of them commits before
                    // the archive points are read (else its row, answered, would go with the drop
                    // above its writer's point), and no other reaches them until they are gone.
                    for day in doomed {
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "LOCK TABLE \(Self.partitionName(day)) IN ACCESS EXCLUSIVE MODE"), logger: logger)
                    }
                    for day in doomed {
                        let name = Self.partitionName(day)
                        for try await (writer, seq, hash) in try await connection.query(
                            PostgresQuery(
                                unsafeSQL: "SELECT DISTINCT ON (writer_id) writer_id, seq, hash FROM \(name) ORDER BY writer_id, seq DESC"),
                            logger: logger
                        ).decode((Int32, Int64, ByteBuffer).self) where seq > (points[writer]?.seq ?? 0) {
                            points[writer] = (seq, hash)
                        }
                        report.dropped.append(day)
                    }
                    for (writer, point) in points {
                        try await connection.query(
                            """
                            INSERT INTO audit_archives(writer_id, seq, hash, before_day, archived_at)
                            VALUES (\(writer), \(point.seq), \(point.hash), \(dropBefore.description)::date, \(now.millisecondsSinceEpoch))
                            ON CONFLICT (writer_id, seq) DO NOTHING
                            """, logger: logger)
                    }
                    for day in report.dropped {
                        try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(Self.partitionName(day))"), logger: logger)
                        existing.remove(day)
                    }
                    // The report tables' rows of the dropped days go with them.
                    let droppedDays = report.dropped.map(\.description)
                    for table in ["decisions_by_user", "decisions_by_lecture", "opens_without_enrolment"] {
                        try await connection.query(
                            "DELETE FROM \(unescaped: table) WHERE day = ANY(\(droppedDays)::date[])", logger: logger)
                    }
                    for try await (id, name) in try await connection.query(
                        "SELECT id, name FROM audit_writers WHERE id = ANY(\(Array(points.keys))::integer[])", logger: logger
                    ).decode((Int32, String).self) {
                        if let point = points[id] { report.archived.append(.init(writer: name, seq: point.seq)) }
                    }
                    report.archived.sort { $0.writer < $1.writer }
                    let kept = try await connection.query(
                        "SELECT count(*) FROM audit_decisions_default WHERE day < \(dropBefore.description)::date", logger: logger
                    ).collect()
                    report.keptInDefault = try kept.first?.decode(Int64.self) ?? 0
                }
                report.partitions = existing.sorted()
                return report
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// `audit_decisions_YYYYMMDD`.
    static func partitionName(_ day: LocalDate) -> String {
        "audit_decisions_" + day.description.replacingOccurrences(of: "-", with: "")
    }

    /// The days that have a partition of Admit's naming (others, and the default, are left alone).
    static func dayPartitions(on connection: PostgresConnection, logger: Logger) async throws -> [LocalDate] {
        var days: [LocalDate] = []
        for try await name in try await connection.query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_decisions'::regclass",
            logger: logger
        ).decode(String.self) {
            let digits = name.dropFirst("audit_decisions_".count)
            guard name.hasPrefix("audit_decisions_"), digits.count == 8, digits.allSatisfy(\.isNumber),
                let year = Int(digits.prefix(4)), let month = Int(digits.dropFirst(4).prefix(2)), let day = Int(digits.suffix(2)),
                let date = LocalDate(year: year, month: month, day: day)
            else { continue }
            days.append(date)
        }
        return days.sorted()
    }
}
