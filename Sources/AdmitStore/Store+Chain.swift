import AdmitDomain
import SQLite

extension Store {
    /// The chain's head for the next append in the open write transaction: read from
    /// `audit_head` at the transaction's first append, then kept here.
    func chainHead() throws -> ChainHead {
        if let chain { return chain }
        guard let head = try storedHead() else {
            throw StoreError.Cause.auditHeadMissing
        }
        chain = head
        return head
    }

    /// The head as `audit_head` records it (nil if the row is gone or not a 32-byte hash).
    func storedHead() throws -> ChainHead? {
        try connection.queryFirst("SELECT seq, hash FROM audit_head WHERE id = 1") { row -> ChainHead? in
            guard let hash = row.blob(1), hash.count == 32 else { return nil }
            return ChainHead(seq: row.int64(0), hash: hash)
        } ?? nil
    }

    /// Notes that the row after the head was appended with `hash`.
    func advanceChain(to hash: [UInt8]) {
        chain?.seq += 1
        chain?.hash = hash
    }

    /// Writes the head back, if this transaction appended.
    func closeChain() throws {
        guard let chain else { return }
        try connection.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", chain.seq, chain.hash)
        self.chain = nil
    }
}
