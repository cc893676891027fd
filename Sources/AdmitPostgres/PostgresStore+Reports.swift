import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// The audit reports on PostgreSQL: the report tables (migration 5), caught up from each writer's
/// chain when a report asks, and the reports' reads.
extension PostgresStore {
    /// The advisory lock that keeps two catch-ups from reading the same rows at once.
    static let reportLockKey: Int64 = 0x41_64_6D_69_74_52
    /// Sequence numbers of a writer's chain read per transaction.
    static let reportChunk: Int64 = 100_000

    /// How many rows of the writers' chains the report tables have not read yet (rows before a
    /// writer's archive point, dropped with their partitions, are not counted).
    public func reportBacklog() async throws(PostgresStoreError) -> Int64 {
        do {
            let rows = try await connection.query(
                """
                SELECT coalesce(sum(h.seq - greatest(coalesce(p.last_seq, 0), coalesce(a.seq, 0))), 0)::bigint
                FROM audit_heads h LEFT JOIN report_positions p ON p.writer_id = h.writer_id
                LEFT JOIN (SELECT writer_id, max(seq) AS seq FROM audit_archives GROUP BY writer_id) a ON a.writer_id = h.writer_id
                """, logger: logger
            ).collect()
            return try rows.first?.decode(Int64.self) ?? 0
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Reads each writer's rows after its report position (up to its head) into the report
    /// tables, a transaction per 100,000 sequence numbers of one writer; returns the rows read.
    /// `progress` gets (rows read, rows to read).
    public func refreshReports(progress: @Sendable (Int64, Int64) -> Void = { _, _ in }) async throws(PostgresStoreError) -> Int64 {
        let logger = self.logger
        do {
            var ranges: [(writer: Int32, from: Int64, to: Int64)] = []
            for try await (writer, from, to) in try await connection.query(
                """
                SELECT h.writer_id, coalesce(p.last_seq, 0), h.seq
                FROM audit_heads h LEFT JOIN report_positions p ON p.writer_id = h.writer_id
                WHERE h.seq > coalesce(p.last_seq, 0) ORDER BY h.writer_id
                """, logger: logger
            ).decode((Int32, Int64, Int64).self) {
                ranges.append((writer, from, to))
            }
            let total = ranges.reduce(0) { $0 + $1.to - $1.from }
            var done: Int64 = 0
            for range in ranges {
                var from = range.from
                while from < range.to {
                    let upper = min(from + Self.reportChunk, range.to)
                    try await connection.withTransaction(logger: logger) { connection in
                        try await Self.index(writer: range.writer, after: from, through: upper, on: connection, logger: logger)
                    }
                    done += upper - from
                    progress(done, total)
                    from = upper
                }
            }
            // Tables filled faster than autovacuum samples them mislead the planner (a report
            // query ran for minutes on a nested loop it took for one row).
            if total >= 10_000 {
                try await connection.query(
                    "ANALYZE decisions_by_user, decisions_by_lecture, lecture_opens, opens_without_enrolment", logger: logger)
            }
            return total
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Reads one writer's decisions numbered in `(after, through]` into the report tables (in the
    /// caller's transaction), unless another catch-up has read them meanwhile.
    private static func index(writer: Int32, after lower: Int64, through upper: Int64, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.query("SELECT pg_advisory_xact_lock(\(reportLockKey))", logger: logger)
        var from = lower
        for try await position in try await connection.query(
            "SELECT last_seq FROM report_positions WHERE writer_id = \(writer)", logger: logger
        ).decode(Int64.self) {
            from = max(from, position)
        }
        guard from < upper else { return }
        let range = "d.writer_id = \(writer) AND d.seq > \(from) AND d.seq <= \(upper)"
        let statements = [
            """
            INSERT INTO decisions_by_user(user_id, recorded_at, writer_id, seq, day)
            SELECT d.user_id, d.recorded_at, d.writer_id, d.seq, d.day FROM audit_decisions d WHERE \(range)
            ON CONFLICT DO NOTHING
            """,
            """
            INSERT INTO decisions_by_lecture(lecture, recorded_at, writer_id, seq, day)
            SELECT d.lecture, d.recorded_at, d.writer_id, d.seq, d.day
            FROM audit_decisions d JOIN audit_texts t ON t.id = d.lecture JOIN lectures l ON l.id = t.text WHERE \(range)
            ON CONFLICT DO NOTHING
            """,
            // Allowed openings, per user and package.
            """
            INSERT INTO lecture_opens(user_id, package_id, first_at, last_at, opens)
            SELECT d.user_id, l.package_id, min(d.at), max(d.at), count(*)
            FROM audit_decisions d JOIN audit_texts t ON t.id = d.lecture JOIN lectures l ON l.id = t.text
            WHERE \(range) AND d.effect = 0 GROUP BY d.user_id, l.package_id
            ON CONFLICT (user_id, package_id) DO UPDATE SET first_at = least(lecture_opens.first_at, excluded.first_at),
                last_at = greatest(lecture_opens.last_at, excluded.last_at), opens = lecture_opens.opens + excluded.opens
            """,
            // Allowed openings with no enrolment counting then (checked again when reported).
            """
            INSERT INTO opens_without_enrolment(writer_id, seq, day, user_id, package_id, lecture_id, at)
            SELECT d.writer_id, d.seq, d.day, d.user_id, l.package_id, t.text, d.at
            FROM audit_decisions d JOIN audit_texts t ON t.id = d.lecture JOIN lectures l ON l.id = t.text
            WHERE \(range) AND d.effect = 0 AND NOT EXISTS (
                SELECT 1 FROM enrolments e WHERE e.user_id = d.user_id AND e.package_id = l.package_id
                    AND e.enrolled_at <= d.at AND (e.withdrawn_at IS NULL OR e.withdrawn_at > d.at))
            ON CONFLICT DO NOTHING
            """,
            """
            INSERT INTO report_positions(writer_id, last_seq) VALUES (\(writer), \(upper))
            ON CONFLICT (writer_id) DO UPDATE SET last_seq = excluded.last_seq
            """,
        ]
        for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
    }

    /// The columns of a decision row as an `AuditEntry` reads them (`d`: the decision, `w` its
    /// writer), in the order of ``decisionEntry(from:)``.
    static let decisionEntryColumns = """
        w.name, d.seq, d.recorded_at, actor.text, d.user_id, d.facts, lecture.text, l.package_id, d.at, d.effect, policy.text, d.reasons
        """
    /// The joins that ``decisionEntryColumns`` needs.
    static let decisionEntryJoins = """
        JOIN audit_writers w ON w.id = d.writer_id
        JOIN audit_texts actor ON actor.id = d.actor
        JOIN audit_texts lecture ON lecture.id = d.lecture
        JOIN audit_texts policy ON policy.id = d.policy
        LEFT JOIN lectures l ON l.id = lecture.text
        """

    static func decisionEntry(from row: PostgresRow) throws -> AuditEntry {
        var cells = row.makeIterator()
        let writer = try cells.next()!.decode(String.self)
        let seq = try cells.next()!.decode(Int64.self)
        let recordedAt = try cells.next()!.decode(Int64.self)
        var entry = AuditEntry(
            seq: seq, recordedAt: Instant(millisecondsSinceEpoch: recordedAt), actor: try cells.next()!.decode(String.self), kind: .decision
        )
        entry.writer = writer
        entry.user = UserID(try cells.next()!.decode(Int64.self))
        entry.factsVersion = try cells.next()!.decode(Int64.self)
        entry.lecture = LectureID(try cells.next()!.decode(String.self))
        entry.package = try cells.next()!.decode(String?.self).map { PackageID($0) }
        entry.at = Instant(millisecondsSinceEpoch: try cells.next()!.decode(Int64.self))
        entry.effect = try cells.next()!.decode(Int16.self) == 0 ? .allow : .deny
        entry.policyHash = try cells.next()!.decode(String.self)
        entry.code = Array(buffer: try cells.next()!.decode(ByteBuffer.self))
        return entry
    }

    /// Logged decisions matching `query`, newest first (by the time they were recorded, then
    /// writer and number): found through the report tables by user or lecture (call
    /// ``refreshReports(progress:)`` first), else read from the whole log.
    public func decisions(_ query: DecisionQuery) async throws(PostgresStoreError) -> [AuditEntry] {
        var bindings = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        var from: String
        var conditions: [String] = []
        // Without a user, a lecture or a package is found through the lectures' text ids.
        var lectures: [Int64] = []
        if query.user == nil, query.lecture != nil || query.package != nil {
            do {
                for try await id in try await connection.query(
                    """
                    SELECT t.id FROM audit_texts t JOIN lectures l ON l.id = t.text
                    WHERE (\(query.lecture?.rawValue)::text IS NULL OR l.id = \(query.lecture?.rawValue))
                        AND (\(query.package?.rawValue)::text IS NULL OR l.package_id = \(query.package?.rawValue))
                    """, logger: logger
                ).decode(Int64.self) {
                    lectures.append(id)
                }
            } catch {
                throw Self.storeError(error, url: url)
            }
            if lectures.isEmpty { return [] }
        }
        if let user = query.user {
            from = """
                decisions_by_user i JOIN audit_decisions d ON d.writer_id = i.writer_id AND d.seq = i.seq AND d.day = i.day
                """
            conditions.append("i.user_id = \(bind(user.rawValue))")
        } else if query.lecture != nil || query.package != nil {
            from = """
                decisions_by_lecture i JOIN audit_decisions d ON d.writer_id = i.writer_id AND d.seq = i.seq AND d.day = i.day
                """
            conditions.append("i.lecture = ANY(\(bind(lectures))::bigint[])")
        } else {
            from = "audit_decisions d"
        }
        if query.user != nil {
            if let lecture = query.lecture { conditions.append("lecture.text = \(bind(lecture.rawValue))") }
            if let package = query.package { conditions.append("l.package_id = \(bind(package.rawValue))") }
        }
        if let effect = query.effect { conditions.append("d.effect = \(bind(Int16(effect == .allow ? 0 : 1)))") }
        if let start = query.from { conditions.append("d.at >= \(bind(start.millisecondsSinceEpoch))") }
        if let end = query.until { conditions.append("d.at < \(bind(end.millisecondsSinceEpoch))") }
        let limit = query.limit.map { " LIMIT \(bind(Int64($0)))" } ?? ""
        let sql = """
            SELECT \(Self.decisionEntryColumns) FROM \(from)
            \(Self.decisionEntryJoins)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY d.recorded_at DESC, w.name, d.seq DESC\(limit)
            """
        do {
            var entries: [AuditEntry] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                entries.append(try Self.decisionEntry(from: row))
            }
            return entries
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// A page of the enrolments of `scope` with their users, in (user, instant, enrolment) order after
    /// `position` (nil: from the start), and the position after the page.
    public func enrolmentPage(_ scope: EnrolmentScope, after position: (user: Int64, at: Int64, id: Int64)?, limit: Int)
        async throws(PostgresStoreError) -> (rows: [EnrolmentValues], next: (user: Int64, at: Int64, id: Int64)?)
    {
        let (user, at, id) = position ?? (Int64.min, Int64.min, Int64.min)
        do {
            var rows: [EnrolmentValues] = []
            var last: (Int64, Int64, Int64)?
            for try await row in try await connection.query(
                """
                SELECT e.user_id, e.id, e.enrolled_at, e.source, e.forced, e.account_state, e.withdrawn_at IS NOT NULL, u.profession,
                       u.country, u.name, u.email, o.user_id IS NOT NULL
                FROM enrolments e JOIN users u ON u.id = e.user_id
                LEFT JOIN lecture_opens o ON o.user_id = e.user_id AND o.package_id = e.package_id
                WHERE e.package_id = \(scope.package.rawValue) AND e.enrolled_at >= \(scope.from.millisecondsSinceEpoch)
                    AND e.enrolled_at < \(scope.until.millisecondsSinceEpoch) AND (e.user_id, e.enrolled_at, e.id) > (\(user), \(at), \(id))
                ORDER BY e.user_id, e.enrolled_at, e.id LIMIT \(Int64(limit))
                """, logger: logger)
            {
                let (userID, enrolmentID, enrolledAt, source, forced, accountState, withdrawn, profession) = try row.decode(
                    (Int64, Int64, Int64, String, Bool, String?, Bool, String).self)
                var cells = row.makeIterator()
                for _ in 0..<8 { _ = cells.next() }
                let country = try cells.next()!.decode(String?.self)
                let name = try cells.next()!.decode(String.self)
                let email = try cells.next()!.decode(String.self)
                let opened = try cells.next()!.decode(Bool.self)
                rows.append(
                    EnrolmentValues(
                        row: EnrolmentReportRow(
                            user: UserID(userID), email: email, name: name, country: country, source: EnrolmentSource(rawValue: source),
                            enrolledAt: Instant(millisecondsSinceEpoch: enrolledAt), forced: forced,
                            accountState: accountState.flatMap { AccountState(rawValue: $0) }),
                        isWithdrawn: withdrawn, profession: Profession(rawValue: profession), opened: opened))
                last = (userID, enrolledAt, enrolmentID)
            }
            return (rows, rows.count == limit ? last : nil)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Allowed openings in `scope` by users with no enrolment counting then: how many, and the first `limit` by instant.
    public func opensWithoutEnrolment(_ scope: EnrolmentScope, limit: Int?) async throws(PostgresStoreError) -> (
        count: Int64, rows: [OpenWithoutEnrolment]
    ) {
        let package = scope.package.rawValue
        let (start, end) = (scope.from.millisecondsSinceEpoch, scope.until.millisecondsSinceEpoch)
        let unenrolled = """
            NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = o.user_id AND e.package_id = o.package_id
                AND e.enrolled_at <= o.at AND (e.withdrawn_at IS NULL OR e.withdrawn_at > o.at))
            """
        do {
            let counted = try await connection.query(
                """
                SELECT count(*) FROM opens_without_enrolment o
                WHERE o.package_id = \(package) AND o.at >= \(start) AND o.at < \(end) AND \(unescaped: unenrolled)
                """, logger: logger
            ).collect()
            let count = try counted.first?.decode(Int64.self) ?? 0
            var rows: [OpenWithoutEnrolment] = []
            for try await (seq, user, email, name, lecture, at, writer) in try await connection.query(
                """
                SELECT o.seq, o.user_id, u.email, u.name, o.lecture_id, o.at, w.name
                FROM opens_without_enrolment o JOIN users u ON u.id = o.user_id JOIN audit_writers w ON w.id = o.writer_id
                WHERE o.package_id = \(package) AND o.at >= \(start) AND o.at < \(end) AND \(unescaped: unenrolled)
                ORDER BY o.at, w.name, o.seq LIMIT \(Int64(limit ?? Int(Int32.max)))
                """, logger: logger
            ).decode((Int64, Int64, String, String, String, Int64, String).self) {
                rows.append(
                    OpenWithoutEnrolment(
                        seq: seq, user: UserID(user), email: email, name: name, lecture: LectureID(lecture),
                        at: Instant(millisecondsSinceEpoch: at), writer: writer))
            }
            return (count, rows)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The `users` columns that ``user(from:)`` reads, with the table's alias `u`.
    static let userColumns =
        "u.id, u.email, u.name, u.profession, u.country, u.account, u.subscription, u.registered_at, u.external_id, u.external_role"

    /// A user from the next cells of a row, in the order of ``userColumns``.
    static func user(from cells: inout PostgresRow.Iterator) throws -> User {
        let id = try cells.next()!.decode(Int64.self)
        let address = try cells.next()!.decode(String.self)
        let name = try cells.next()!.decode(String.self)
        let profession = try cells.next()!.decode(String.self)
        let country = try cells.next()!.decode(String?.self)
        let account = try cells.next()!.decode(String.self)
        let subscription = try cells.next()!.decode(String.self)
        let registeredAt = try cells.next()!.decode(Int64.self)
        let externalID = try cells.next()!.decode(String?.self)
        let externalRole = try cells.next()!.decode(String?.self)
        guard let knownProfession = Profession(rawValue: profession), let knownAccount = AccountState(rawValue: account),
            let knownSubscription = Subscription(subscription)
        else { throw PostgresStoreError.unreadableState(user: id) }
        return User(
            id: UserID(id), email: EmailAddress(storedNormalized: address), name: name, profession: knownProfession,
            country: country.flatMap { CountryCode($0) }, account: knownAccount, subscription: knownSubscription,
            registeredAt: Instant(millisecondsSinceEpoch: registeredAt), externalID: externalID, externalRole: externalRole)
    }

    /// The user with this id, or this (normalised) address, as the `users` table holds them.
    public func user(id: UserID?, email: EmailAddress?) async throws(PostgresStoreError) -> User? {
        do {
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.userColumns) FROM users u WHERE u.id = \(id?.rawValue) OR u.email = \(email?.normalized)
                """, logger: logger
            ).collect()
            guard let row = rows.first else { return nil }
            var cells = row.makeIterator()
            return try Self.user(from: &cells)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// A page of the enrolments in `package` with their users, in (user, enrolment instant,
    /// enrolment) order after `position` (nil: from the start), and the position after the page.
    public func exportPage(_ package: PackageID, after position: (user: Int64, at: Int64, id: Int64)?, limit: Int)
        async throws(PostgresStoreError) -> (rows: [(User, Enrolment)], next: (user: Int64, at: Int64, id: Int64)?)
    {
        let (user, at, id) = position ?? (Int64.min, Int64.min, Int64.min)
        do {
            var rows: [(User, Enrolment)] = []
            var last: (Int64, Int64, Int64)?
            for try await row in try await connection.query(
                """
                SELECT e.id, e.enrolled_at, e.source, e.forced, e.withdrawn_at, e.account_state, e.batch_id, \(unescaped: Self.userColumns)
                FROM enrolments e JOIN users u ON u.id = e.user_id
                WHERE e.package_id = \(package.rawValue) AND (e.user_id, e.enrolled_at, e.id) > (\(user), \(at), \(id))
                ORDER BY e.user_id, e.enrolled_at, e.id LIMIT \(Int64(limit))
                """, logger: logger)
            {
                let (enrolmentID, enrolledAt, source, forced, withdrawnAt, accountState, batch) = try row.decode(
                    (Int64, Int64, String, Bool, Int64?, String?, Int64?).self)
                var cells = row.makeIterator()
                for _ in 0..<7 { _ = cells.next() }
                let owner = try Self.user(from: &cells)
                rows.append(
                    (
                        owner,
                        Enrolment(
                            user: owner.id, package: package, enrolledAt: Instant(millisecondsSinceEpoch: enrolledAt),
                            source: EnrolmentSource(rawValue: source) ?? .admin, forced: forced,
                            withdrawnAt: withdrawnAt.map { Instant(millisecondsSinceEpoch: $0) },
                            accountState: accountState.flatMap { AccountState(rawValue: $0) }, batch: batch)
                    ))
                last = (owner.id.rawValue, enrolledAt, enrolmentID)
            }
            return (rows, rows.count == limit ? last : nil)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The user's enrolments, oldest first.
    public func enrolments(of user: UserID) async throws(PostgresStoreError) -> [Enrolment] {
        do {
            var enrolments: [Enrolment] = []
            for try await (package, enrolledAt, source, forced, withdrawnAt, accountState, batch) in try await connection.query(
                """
                SELECT package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id FROM enrolments
                WHERE user_id = \(user.rawValue) ORDER BY enrolled_at, id
                """, logger: logger
            ).decode((String, Int64, String, Bool, Int64?, String?, Int64?).self) {
                enrolments.append(
                    Enrolment(
                        user: user, package: PackageID(package), enrolledAt: Instant(millisecondsSinceEpoch: enrolledAt),
                        source: EnrolmentSource(rawValue: source) ?? .admin, forced: forced,
                        withdrawnAt: withdrawnAt.map { Instant(millisecondsSinceEpoch: $0) },
                        accountState: accountState.flatMap { AccountState(rawValue: $0) }, batch: batch))
            }
            return enrolments
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}
