import AdmitDomain
import Testing

@testable import AdmitStore

@Suite struct ImportSessionSettingsTests {
    @Test(arguments: [false, true])
    func anImportGivesTheConnectionItsOwnCheckpointAndCacheSettingsBack(serviceCheckpoints: Bool) throws {
        let dir = TemporaryDirectory()
        let (store, _) = try StoreFixtures.seeded(dir.file("a.sqlite"))
        func pragma(_ name: String) throws -> Int64 { try store.connection.queryFirst("PRAGMA \(name)") { $0.int64(0) } ?? -1 }
        if serviceCheckpoints { try store.disableAutomaticCheckpoints() }
        try store.connection.execute("PRAGMA cache_size = -4000")
        let before = try pragma("wal_autocheckpoint")
        let session = try store.importSession(batch: nil, actor: "test")
        // A service's checkpointing thread stays in charge during the import too.
        #expect(try pragma("wal_autocheckpoint") == (serviceCheckpoints ? 0 : Int64(ImportSession.checkpointPages)))
        session.close()
        #expect(try pragma("wal_autocheckpoint") == before)
        #expect(try pragma("cache_size") == -4000)
    }
}
