import AdmitDomain
import AdmitStore
import Testing

/// The hash chain's encoding is part of the file format: logs written by one build must verify
/// under the next. These hashes were computed outside Swift from the encoding documented in
/// `AuditChain` (tag byte, 4-byte big-endian length, UTF-8; tag 2 and 8 big-endian bytes for an
/// integer; a lone 0 for an absent value), so a change to the encoder cannot go unnoticed.
@Suite struct AuditChainTests {
    @Test func rowHashesMatchTheDocumentedEncoding() throws {
        let store = try Store(path: ":memory:")
        let decision = AuditRecord(
            recordedAt: Instant(millisecondsSinceEpoch: 1_605_430_800_000), actor: "cli:ada", kind: .decision, user: UserID(1),
            package: "idor-2020", lecture: "idor-2020-07", at: Instant(millisecondsSinceEpoch: 1_605_430_800_000), effect: .allow,
            policyHash: "sha256:1369ce65b7c6", detail: #"{"action":"open","détail":"ü"}"#)
        let change = AuditRecord(
            recordedAt: Instant(millisecondsSinceEpoch: 1_605_430_800_001), actor: "seed", kind: .userCreated, batch: 7, detail: "{}")
        _ = try store.write { try store.append([decision, change]) }
        let first = try #require(try store.auditEntry(1))
        let second = try #require(try store.auditEntry(2))
        #expect(first.hash == "7acc16b7a1c3f7a21b455153c4d266ca5f2d7f026a80b78e5f157b7749bf2150")
        #expect(second.previousHash == first.hash)
        #expect(second.hash == "77849d2259e66b9f8a5070c5f866f5171ff5c494bbeafe50ffed305f59665f0c")
        #expect(try store.verifyAudit().isIntact)
    }
}
