import AdmitDomain
import AdmitStore
import Logging
import NIOCore
import PostgresNIO

/// `admit audit verify` on PostgreSQL: every writer's chain, then the `users` and `enrolments`
/// tables against every user's latest state row, as on SQLite.
extension PostgresStore {
    /// Verifies every writer's chain (``verifyChain(of:)``) and compares, user by user in id
    /// order, the `users` row and the `enrolments` rows with the user's latest state in the log.
    /// The three ordered reads are merged as they stream, each on a connection of its own, so
    /// memory holds one user. The first break names its writer; `rows` counts every writer's rows.
    public func verifyAudit() async throws(PostgresStoreError) -> AuditVerification {
        var rows: Int64 = 0
        var firstBreak: AuditBreak?
        let writers = try await writers()
        for writer in writers {
            let report = try await verifyChain(of: writer)
            rows += report.rows
            if firstBreak == nil, let problem = report.problem {
                firstBreak = AuditBreak(seq: problem.seq, reason: "writer '\(writer.name)' (\(writer.id)): \(problem)")
            }
        }
        let names = Dictionary(uniqueKeysWithValues: writers.map { ($0.id, $0.name) })
        let (problems, count, users) = try await verifyState(writerNames: names)
        return AuditVerification(rows: rows, firstBreak: firstBreak, stateProblems: problems, stateProblemCount: count, users: users)
    }

    private func verifyState(writerNames: [Int32: String]) async throws(PostgresStoreError) -> (
        problems: [StateProblem], count: Int, users: Int64
    ) {
        let logger = self.logger
        let url = self.url
        let configuration = Self.configuration(url)
        do {
            let usersConnection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
            let enrolmentsConnection: PostgresConnection
            do {
                enrolmentsConnection = try await PostgresConnection.connect(configuration: configuration, id: 3, logger: logger)
            } catch {
                try? await usersConnection.close()
                throw error
            }
            let result: Result<(problems: [StateProblem], count: Int, users: Int64), any Error>
            do {
                result = .success(
                    try await compareState(
                        writerNames: writerNames, users: usersConnection, enrolments: enrolmentsConnection))
            } catch {
                result = .failure(error)
            }
            try? await usersConnection.close()
            try? await enrolmentsConnection.close()
            return try result.get()
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The merge of `verifyState`: latest states on this store's connection, `users` and
    /// `enrolments` on the two given.
    private func compareState(
        writerNames: [Int32: String], users usersConnection: PostgresConnection, enrolments enrolmentsConnection: PostgresConnection
    )
        async throws -> (problems: [StateProblem], count: Int, users: Int64)
    {
        let logger = self.logger
        do {
            var comparison = StateComparison(writerNames: writerNames)
            var states = try await connection.query(
                """
                SELECT DISTINCT ON (c.user_id) c.writer_id, c.seq, c.kind, c.recorded_at, \(unescaped: Self.stateColumns)
                FROM audit_changes c ORDER BY c.user_id, c.version DESC
                """, logger: logger
            ).makeAsyncIterator()
            var users = try await usersConnection.query(
                """
                SELECT id, email, name, profession, country, account, subscription, registered_at, external_id, external_role, updated_at
                FROM users ORDER BY id
                """, logger: logger
            ).makeAsyncIterator()
            var enrolments = try await enrolmentsConnection.query(
                """
                SELECT user_id, package_id, enrolled_at, source, forced, withdrawn_at, account_state, batch_id
                FROM enrolments ORDER BY user_id, id
                """, logger: logger
            ).makeAsyncIterator()
            var state = try await states.next().map(LoggedState.init)
            var user = try await users.next().map(TableUser.init)
            var enrolment = try await enrolments.next().map(Self.enrolment(from:))
            /// The table's enrolments of `id` (the cursor is on or past them); earlier ones are strays.
            func tableEnrolments(of id: Int64) async throws -> [Enrolment] {
                while let current = enrolment, current.user.rawValue < id {
                    comparison.report(StateProblem(table: "enrolments", row: Store.describe(current), tableValue: "row"))
                    enrolment = try await enrolments.next().map(Self.enrolment(from:))
                }
                var list: [Enrolment] = []
                while let current = enrolment, current.user.rawValue == id {
                    list.append(current)
                    enrolment = try await enrolments.next().map(Self.enrolment(from:))
                }
                return list
            }
            while state != nil || user != nil {
                let stateID = state?.user ?? Int64.max
                let tableID = user?.id ?? Int64.max
                if stateID <= tableID, let logged = state {
                    comparison.compare(
                        user: stateID == tableID ? user : nil, logged: logged, enrolments: try await tableEnrolments(of: stateID))
                    state = try await states.next().map(LoggedState.init)
                    if stateID == tableID { user = try await users.next().map(TableUser.init) }
                } else if let tableUser = user {
                    comparison.compare(user: tableUser, logged: nil, enrolments: try await tableEnrolments(of: tableID))
                    user = try await users.next().map(TableUser.init)
                }
            }
            while let current = enrolment {
                comparison.report(StateProblem(table: "enrolments", row: Store.describe(current), tableValue: "row"))
                enrolment = try await enrolments.next().map(Self.enrolment(from:))
            }
            return (comparison.problems, comparison.count, comparison.compared)
        }
    }

    /// An `enrolments` row.
    private static func enrolment(from row: PostgresRow) throws -> Enrolment {
        let (user, package, enrolledAt, source, forced, withdrawnAt, accountState, batch) = try row.decode(
            (Int64, String, Int64, String, Bool, Int64?, String?, Int64?).self)
        return Enrolment(
            user: UserID(user), package: PackageID(package), enrolledAt: Instant(millisecondsSinceEpoch: enrolledAt),
            source: EnrolmentSource(rawValue: source) ?? .admin, forced: forced,
            withdrawnAt: withdrawnAt.map { Instant(millisecondsSinceEpoch: $0) }, accountState: accountState.flatMap(AccountState.init),
            batch: batch)
    }

    /// The driver's configuration for `url` (plain TCP).
    static func configuration(_ url: PostgresURL) -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
    }
}

/// A `users` row, its columns as stored.
private struct TableUser {
    let id: Int64
    let columns: [String?]
    let updatedAt: Int64

    static let names = [
        "email", "name", "profession", "country", "account", "subscription", "registered_at", "external_id", "external_role",
    ]

    init(_ row: PostgresRow) throws {
        let (id, email, name, profession, country, account, subscription, registeredAt) = try row.decode(
            (Int64, String, String, String, String?, String, String, Int64).self)
        var cells = row.makeIterator()
        for _ in 0..<8 { _ = cells.next() }
        let externalID = try cells.next()!.decode(String?.self)
        let externalRole = try cells.next()!.decode(String?.self)
        self.id = id
        columns = [email, name, profession, country, account, subscription, String(registeredAt), externalID, externalRole]
        updatedAt = try cells.next()!.decode(Int64.self)
    }
}

/// A user's latest state row, its columns in the order of ``TableUser/names``.
private struct LoggedState {
    let writer: Int32
    let seq: Int64
    let user: Int64
    let isStateRow: Bool
    let recordedAt: Int64
    /// Nil when a value is not one this build reads.
    let state: UserState?

    init(_ row: PostgresRow) throws {
        let (writer, seq, kind, recordedAt, user) = try row.decode((Int32, Int64, Int16, Int64, Int64).self)
        var cells = row.makeIterator()
        for _ in 0..<4 { _ = cells.next() }
        self.writer = writer
        self.seq = seq
        self.user = user
        isStateRow = Int64(kind) == AuditKind.userState.changeNumber
        self.recordedAt = recordedAt
        state = try PostgresStore.state(from: &cells)
    }

    var columns: [String?] {
        guard let user = state?.user else { return [] }
        return [
            user.email.normalized, user.name, user.profession.rawValue, user.country?.rawValue, user.account.rawValue,
            user.subscription.rawValue, String(user.registeredAt.millisecondsSinceEpoch), user.externalID, user.externalRole,
        ]
    }
}

/// The differences found so far: the first `Store.listedStateProblems` listed, all counted.
private struct StateComparison {
    let writerNames: [Int32: String]
    var problems: [StateProblem] = []
    var count = 0
    var compared: Int64 = 0

    mutating func report(_ problem: StateProblem) {
        count += 1
        if problems.count < Store.listedStateProblems { problems.append(problem) }
    }

    /// Compares a user's `users` row (nil: none) and table enrolments with their latest state (nil: none).
    mutating func compare(user: TableUser?, logged: LoggedState?, enrolments: [Enrolment]) {
        let writer = logged.flatMap { writerNames[$0.writer] }
        let seq = logged?.seq
        func report(_ problem: StateProblem) {
            var problem = problem
            problem.logWriter = writer
            self.report(problem)
        }
        guard let logged else {
            if let user { report(StateProblem(table: "users", row: "id \(user.id)", tableValue: "row")) }
            for enrolment in enrolments { report(StateProblem(table: "enrolments", row: Store.describe(enrolment), tableValue: "row")) }
            return
        }
        guard let state = logged.state else {
            report(StateProblem(table: "users", row: "id \(logged.user)", field: "(all)", logValue: "unreadable", logSeq: seq))
            return
        }
        guard let user else {
            report(StateProblem(table: "users", row: "id \(logged.user)", logValue: "row", logSeq: seq))
            for enrolment in state.enrolments {
                report(StateProblem(table: "enrolments", row: Store.describe(enrolment), logValue: "row", logSeq: seq))
            }
            return
        }
        compared += 1
        for (index, (table, log)) in zip(user.columns, logged.columns).enumerated() where table != log {
            report(
                StateProblem(
                    table: "users", row: "id \(user.id)", field: TableUser.names[index], tableValue: table, logValue: log, logSeq: seq))
        }
        // A copied state (`user.state`) keeps the time of the copy, not of the user's last change.
        if !logged.isStateRow, user.updatedAt != logged.recordedAt {
            report(
                StateProblem(
                    table: "users", row: "id \(user.id)", field: "updated_at", tableValue: String(user.updatedAt),
                    logValue: String(logged.recordedAt), logSeq: seq))
        }
        var problems: [StateProblem] = []
        Store.compareEnrolments(enrolments, state.enrolments, seq: logged.seq) { problems.append($0) }
        for problem in problems { report(problem) }
    }
}

extension ChainProblem {
    /// The sequence number of the first row it concerns (for a removed end: the first missing).
    public var seq: Int64 {
        switch self {
        case .missing(let first, _): first
        case .repeated(let seq), .changed(let seq): seq
        case .headAhead(_, let last): last + 1
        case .headMismatch(_, let last): last
        case .noHead: 0
        }
    }
}
