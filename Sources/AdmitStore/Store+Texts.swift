import SQLite

/// The rows of `audit_texts` a connection has seen: texts that audit rows name by number
/// (actors, lecture ids, policy hashes), each stored once.
///
/// Rows are never changed or deleted, so what was read stays true; texts added in a
/// transaction are forgotten again if it rolls back.
struct TextTable {
    private var ids: [String: Int64] = [:]
    private var texts: [Int64: String] = [:]
    private var pending: [String] = []

    func id(of text: String) -> Int64? { ids[text] }
    func text(of id: Int64) -> String? { texts[id] }

    mutating func remember(_ text: String, id: Int64, pending isPending: Bool) {
        ids[text] = id
        texts[id] = text
        if isPending { pending.append(text) }
    }

    mutating func commit() { pending.removeAll() }

    mutating func rollback() {
        for text in pending {
            if let id = ids.removeValue(forKey: text) { texts.removeValue(forKey: id) }
        }
        pending.removeAll()
    }
}

extension Store {
    /// The number of `text` in `audit_texts`, adding it when new. Call inside a write.
    func textID(_ text: String) throws -> Int64 {
        if let id = texts.id(of: text) { return id }
        let insert = try hot(.insertText)
        try insert.bindAll(text)
        _ = try insert.step()
        let id: Int64
        if connection.changes == 1 {
            id = connection.lastInsertRowID
            texts.remember(text, id: id, pending: true)
        } else {
            id = try existingTextID(text) ?? 0
            texts.remember(text, id: id, pending: false)
        }
        return id
    }

    /// The number of `text`, when `audit_texts` has it.
    func existingTextID(_ text: String) throws -> Int64? {
        if let id = texts.id(of: text) { return id }
        let select = try hot(.textIDByText)
        try select.bindAll(text)
        defer { select.reset() }
        guard try select.step() else { return nil }
        let id = select.int64(0)
        texts.remember(text, id: id, pending: false)
        return id
    }

    /// The text numbered `id`; nil when `audit_texts` has no such row.
    func text(_ id: Int64) throws -> String? {
        if let text = texts.text(of: id) { return text }
        let select = try hot(.textByID)
        try select.bindAll(id)
        defer { select.reset() }
        guard try select.step(), let text = select.string(0) else { return nil }
        texts.remember(text, id: id, pending: false)
        return text
    }
}
