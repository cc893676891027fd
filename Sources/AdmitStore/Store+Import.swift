import AdmitDomain
import SQLite

extension Store {
    static let importBatchColumns = "id, file_name, sha256, actor, started_at, ended_at, status, counts"

    /// Records the start of an import and returns its batch id. Call inside `write`.
    public func beginImport(fileName: String, sha256: String, actor: String, at now: Instant) throws(StoreError) -> Int64 {
        try run {
            try connection.run(
                "INSERT INTO import_batches(file_name, sha256, actor, started_at, status) VALUES (?, ?, ?, ?, 'running')",
                fileName, sha256, actor, now.millisecondsSinceEpoch)
            return connection.lastInsertRowID
        }
    }

    /// Records how an import ended. Call inside `write`.
    public func finishImport(_ id: Int64, status: ImportBatch.Status, sha256: String, counts: String, at now: Instant) throws(StoreError) {
        try run {
            try connection.run(
                "UPDATE import_batches SET status = ?, sha256 = ?, counts = ?, ended_at = ? WHERE id = ?",
                status.rawValue, sha256, counts, now.millisecondsSinceEpoch, id)
        }
    }

    /// The import batch with this id.
    public func importBatch(_ id: Int64) throws(StoreError) -> ImportBatch? {
        try run {
            try connection.queryFirst(
                "SELECT \(Store.importBatchColumns) FROM import_batches WHERE id = ?", id, row: Store.importBatch(from:))
        }
    }

    /// Every import batch, oldest first.
    public func importBatches() throws(StoreError) -> [ImportBatch] {
        try run {
            try connection.query("SELECT \(Store.importBatchColumns) FROM import_batches ORDER BY id", row: Store.importBatch(from:))
        }
    }

    /// Starts the writes of a bulk import by `actor`: see `ImportSession`. `batch` is nil for a dry run.
    public func importSession(batch: Int64?, actor: String) throws(StoreError) -> ImportSession {
        try run { try ImportSession(store: self, batch: batch, actor: actor) }
    }

    static func importBatch(from row: Statement) throws -> ImportBatch {
        guard let status = ImportBatch.Status(rawValue: row.string(6) ?? "") else {
            throw StoreError.Cause.invalid("import_batches", "status", row.string(6))
        }
        return ImportBatch(
            id: row.int64(0), fileName: row.string(1) ?? "", sha256: row.string(2) ?? "", actor: row.string(3) ?? "",
            startedAt: Instant(millisecondsSinceEpoch: row.int64(4)),
            endedAt: row.isNull(5) ? nil : Instant(millisecondsSinceEpoch: row.int64(5)), status: status, counts: row.string(7))
    }
}
