import SQLite

/// The statements the hot paths run (a check's decision row, a registration's user and state
/// rows), prepared once per connection and found by number: looking a statement up by its SQL
/// text would hash that text on every row.
enum HotStatement: Int, CaseIterable {
    case insertDecision
    case insertState
    case latestState
    case latestStateByExternalID
    case userByExternalID
    case userIDByEmail
    case insertUser
    case updateUser
    case touchUser
    case insertEnrolment
    case insertText
    case textIDByText
    case textByID

    var sql: String {
        switch self {
        case .insertDecision:
            return """
                INSERT INTO audit_decisions(seq, recorded_at, actor, user_id, facts, lecture, at, effect, policy, reasons, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        case .insertState:
            return """
                INSERT INTO audit_changes(seq, recorded_at, actor, kind, user_id, version, batch_id, policy, overrode, email, name,
                    profession, country, account, subscription, registered_at, external_id, enrolments, hash, external_role)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        case .latestState:
            return "SELECT \(Store.stateColumns) FROM audit_changes WHERE user_id = ? ORDER BY version DESC LIMIT 1"
        case .latestStateByExternalID:
            return """
                SELECT \(Store.stateColumns) FROM audit_changes
                WHERE user_id = (SELECT id FROM users WHERE external_id = ?) ORDER BY version DESC LIMIT 1
                """
        case .userByExternalID:
            return "SELECT id, email FROM users WHERE external_id = ?"
        case .userIDByEmail:
            return "SELECT id FROM users WHERE email = ?"
        case .insertUser:
            // OR IGNORE rather than ON CONFLICT DO NOTHING: values are validated before they are
            // bound, so only a taken address or external id can stop the row, and a statement that
            // cannot abort needs no statement journal (a third of the cost of the insert).
            return """
                INSERT OR IGNORE INTO users(email, name, profession, country, account, subscription, registered_at, external_id, updated_at,
                    external_role)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        case .updateUser:
            return """
                UPDATE users SET name = ?1, profession = ?2, country = ?3, account = ?4, subscription = ?5, registered_at = ?6,
                    external_id = ?7, updated_at = ?8, external_role = ?10
                WHERE id = ?9
                """
        case .touchUser:
            return "UPDATE users SET updated_at = ?1 WHERE id = ?2 AND updated_at <> ?1"
        case .insertEnrolment:
            return """
                INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, batch_id, account_state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, package_id) WHERE withdrawn_at IS NULL DO NOTHING
                """
        case .insertText:
            return "INSERT INTO audit_texts(text) VALUES (?) ON CONFLICT (text) DO NOTHING"
        case .textIDByText:
            return "SELECT id FROM audit_texts WHERE text = ?"
        case .textByID:
            return "SELECT text FROM audit_texts WHERE id = ?"
        }
    }
}

extension Store {
    /// The prepared statement for `statement`, reset and ready to bind.
    func hot(_ statement: HotStatement) throws -> Statement {
        if let prepared = hotStatements[statement.rawValue] {
            prepared.reset()
            return prepared
        }
        let prepared = try connection.prepare(statement.sql)
        hotStatements[statement.rawValue] = prepared
        return prepared
    }
}

extension HotStatement {
    /// `insertState` as it was before migration 5 added `external_role` (for migration 4's step).
    static let insertStateVersion4 = """
        INSERT INTO audit_changes(seq, recorded_at, actor, kind, user_id, version, batch_id, policy, overrode, email, name,
            profession, country, account, subscription, registered_at, external_id, enrolments, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
}
