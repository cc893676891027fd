import Admit
import AdmitDomain
import Foundation
import SQLite
import Testing

@testable import AdmitStore

/// A database of schema version 3 (the audit log before the compact format), as
/// `LegacyDatabase` writes it, opened by this build: migrated in place, its old rows still
/// verify and replay, and the chain runs on across the change of format.
@Suite struct LegacyMigrationTests {
    func legacy(_ workspace: Workspace) throws -> LegacyDatabase {
        try LegacyDatabase(path: workspace.databasePath, seeds: workspace.seeds, policies: workspace.policies)
    }

    @Test func migratesVerifiesAndReplaysTheOldRows() throws {
        let workspace = try Workspace()
        let old = try legacy(workspace)
        #expect(old.rows == 17)
        let admission = try workspace.open()
        #expect(try admission.store.version() == Store.schemaVersion)

        // Old rows, then one state row per user (the five users as the tables held them).
        let verification = try admission.verifyAudit()
        #expect(verification.isIntact, "\(verification)")
        #expect(verification.rows == old.rows + 5)
        #expect(verification.users == 5)
        let states = try admission.store.auditEntries(from: old.rows + 1)
        #expect(states.map(\.kind) == Array(repeating: .userState, count: 5))
        #expect(states[0].state?.enrolments.first?.withdrawnAt == (try Instant(parsing: "2020-11-18T10:00:00+01:00")))
        #expect(states[1].state?.enrolments.map(\.forced) == [true])

        // Every old decision replays, and is listed with the words it was logged with.
        for (seq, decision) in old.decisions {
            let replay = try admission.replay(seq)
            #expect(replay.reproduces, "decision #\(seq)")
            #expect(replay.logged.decision == decision)
            #expect(replay.logged.factsVersion == nil)
        }
        let listed = try admission.decisions(limit: 0)
        #expect(listed.map(\.seq) == old.decisions.map(\.seq).reversed())
        #expect(listed.map(\.decision) == old.decisions.map(\.decision).reversed())

        // The chain runs on: a new decision after the old rows, and the whole log still verifies.
        let outcome = try admission.check(
            user: "zoe@example.org", lecture: "idor-2020-07", at: try Instant(parsing: "2020-11-15T10:00:00+01:00"))
        #expect(outcome.decision.isAllowed)
        #expect(outcome.auditSeq == old.rows + 5 + 1)
        #expect(try admission.replay(outcome.auditSeq).reproduces)
        #expect(try admission.verifyAudit().isIntact)
        #expect(try admission.enrolmentReport(package: "idor-2020").total == 5)
    }

    @Test func anEditOfAnOldRowAfterTheMigrationIsFound() throws {
        let workspace = try Workspace()
        _ = try legacy(workspace)
        try workspace.open().close()
        let out = try shell(
            workspace.databasePath,
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log_v1 SET effect = 'allow' WHERE kind = 'decision' AND effect = 'deny';")
        #expect(out.isEmpty, "\(out)")
        let verification = try workspace.open().verifyAudit()
        #expect(verification.firstBreak?.seq == 10, "the first deny, now an allow")
        #expect(verification.firstBreak?.reason.contains("edited") == true)
    }

    @Test func theLastOldHashLinksTheFirstNewRow() throws {
        let workspace = try Workspace()
        _ = try legacy(workspace)
        try workspace.open().close()
        // The last old row rewritten with a hash that fits its new content: the first new row,
        // hashed over the old hash, no longer fits.
        let connection = try Connection(path: workspace.databasePath, mode: .readWrite(create: false))
        try connection.execute("DROP TRIGGER audit_log_no_update")
        let row = try #require(
            try connection.queryFirst("SELECT \(Store.legacyColumns) FROM audit_log_v1 WHERE seq = 17") { Store.legacyRecord(from: $0) })
        let previous = try #require(try connection.queryFirst("SELECT prev_hash FROM audit_log_v1 WHERE seq = 17") { $0.string(0) } ?? nil)
        var edited = row
        edited.actor = "intruder"
        var scratch: [UInt8] = []
        let hash = LegacyAuditChain.hash(seq: 17, record: edited, previous: previous, scratch: &scratch)
        try connection.run("UPDATE audit_log_v1 SET actor = 'intruder', hash = ? WHERE seq = 17", hash)
        connection.close()
        let verification = try workspace.open().verifyAudit()
        #expect(verification.firstBreak?.seq == 18, "\(verification)")
    }

    private func shell(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
