import AdmitDomain
import AdmitStore
import Testing

/// The hash chain's encoding is part of the file format: logs written by one build must verify
/// under the next. These hashes were computed outside Swift (Python's hashlib) from the encoding
/// documented in `RowHasher`: the previous hash's 32 bytes, a table byte (`C`, `D`, `E`), then
/// each field as a tag byte and its value (tag 2 and 8 big-endian bytes for an integer; tag 1 or
/// 3, a 4-byte big-endian length and the bytes for a text or a blob; a lone 0 for an absent
/// value), so a change to the encoder cannot go unnoticed.
@Suite struct AuditChainTests {
    @Test func rowHashesMatchTheDocumentedEncoding() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let store = try Store(path: path)
        let at = Instant(millisecondsSinceEpoch: 1_605_430_800_000)
        try store.write {
            try store.insert(StoreFixtures.catalog)
            let ada = NewUser(
                email: try EmailAddress("ada@example.org"), name: "Ada", profession: .radiologist, country: CountryCode("AT"),
                account: .active, subscription: .none, registeredAt: Instant(millisecondsSinceEpoch: 1_605_000_000_000))
            _ = try store.createUser(ada, ChangeContext(recordedAt: at, actor: "seed"))
            try store.append(
                DecisionRecord(
                    recordedAt: at, actor: "cli:ada", user: UserID(1), factsVersion: 1, lecture: "idor-2020-07", at: at, effect: .allow,
                    policyHash: "sha256:1369ce65b7c6", code: [1, 1, 1, 0]))
            try store.append(
                EventRecord(
                    recordedAt: at.adding(milliseconds: 1), actor: "seed", kind: .importFinished, batch: 7, detail: #"{"détail":"ü"}"#))
        }
        store.close()
        let hashes = try StoreFixtures.shell(
            path,
            """
            SELECT lower(hex(hash)) FROM audit_changes; SELECT lower(hex(hash)) FROM audit_decisions;
            SELECT lower(hex(hash)) FROM audit_events; SELECT seq, lower(hex(hash)) FROM audit_head;
            """)
        #expect(
            hashes == """
                7697885f6c44cdc075f29995d5c7eff28246c1b49ca7b19c4993f06c15c1edf5
                09032cb35edcb5e8da45f992153d56645da74b8b25a5a2b2ddebb9987502a30b
                b4c8464af4bb63b3f7ab13db88504051b4b6ee8d956d0859bf5fd7754358f512
                3|b4c8464af4bb63b3f7ab13db88504051b4b6ee8d956d0859bf5fd7754358f512

                """)
        #expect(try Store(path: path).verifyAudit().isIntact)
    }
}
