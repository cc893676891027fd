import AdmitDomain
import AdmitStore
import PostgresNIO

/// A logged decision read back for `audit replay`: the row, and the user's state it used.
extension PostgresStore {
    /// Row `seq` of `writer`'s chain (nil: of any writer's chain that has a decision with that number).
    public func decisionRow(writer: String?, seq: Int64) async throws(PostgresStoreError) -> DecisionLookup {
        do {
            var found: [AuditEntry] = []
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: Self.decisionEntryColumns)
                FROM audit_writers chain
                CROSS JOIN LATERAL (SELECT * FROM audit_decisions d WHERE d.writer_id = chain.id AND d.seq = \(seq)) AS d
                \(unescaped: Self.decisionEntryJoins)
                WHERE \(writer)::text IS NULL OR w.name = \(writer)
                ORDER BY w.name
                """, logger: logger)
            {
                found.append(try Self.decisionEntry(from: row))
            }
            if found.count > 1 { return .inSeveralChains(writers: found.compactMap(\.writer)) }
            if let entry = found.first { return .decision(entry, writer: entry.writer) }
            // Not a decision: a change of a user, or an event, or nothing.
            for try await (kind, event) in try await connection.query(
                """
                SELECT c.kind, NULL::text FROM audit_changes c JOIN audit_writers w ON w.id = c.writer_id
                WHERE c.seq = \(seq) AND (\(writer)::text IS NULL OR w.name = \(writer))
                UNION ALL
                SELECT NULL::smallint, e.kind FROM audit_events e JOIN audit_writers w ON w.id = e.writer_id
                WHERE e.seq = \(seq) AND (\(writer)::text IS NULL OR w.name = \(writer))
                LIMIT 1
                """, logger: logger
            ).decode((Int16?, String?).self) {
                let name = kind.flatMap { AuditKind(changeNumber: Int64($0))?.rawValue } ?? event ?? "unknown"
                return .notADecision(kind: name)
            }
            return .notFound
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The states of these users at these versions, in one statement.
    public func userStates(_ keys: [UserVersion]) async throws(PostgresStoreError) -> [UserVersion: UserState] {
        guard !keys.isEmpty else { return [:] }
        do {
            var states: [UserVersion: UserState] = [:]
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: Self.stateColumns)
                FROM unnest(\(keys.map(\.user.rawValue))::bigint[], \(keys.map(\.version))::bigint[]) AS k(user_id, version)
                JOIN audit_changes c ON c.user_id = k.user_id AND c.version = k.version
                """, logger: logger)
            {
                var cells = row.makeIterator()
                guard let state = try Self.state(from: &cells) else { continue }
                states[UserVersion(user: state.user.id, version: state.version)] = state
            }
            return states
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The user's state at `version`, as its state row holds it.
    public func userState(_ id: UserID, version: Int64) async throws(PostgresStoreError) -> UserState? {
        do {
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.stateColumns) FROM audit_changes c WHERE c.user_id = \(id.rawValue) AND c.version = \(version)
                """, logger: logger
            ).collect()
            guard let row = rows.first else { return nil }
            var cells = row.makeIterator()
            guard let state = try Self.state(from: &cells) else { throw PostgresStoreError.unreadableState(user: id.rawValue) }
            return state
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}
