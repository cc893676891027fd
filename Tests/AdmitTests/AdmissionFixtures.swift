import Admit
import AdmitDomain
import AdmitTestSupport
import Foundation
import Testing

/// A fresh database of either kind, seeded from the repository's `Seeds/` and `Policies/` when
/// first opened; a temporary folder of its own beside it.
final class Workspace {
    let database: TestDatabase
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(_ kind: StoreKind = .sqlite) throws {
        database = try TestDatabase(kind, prefix: "admit-tests")
    }

    var directory: String { database.directory }
    var databasePath: String { database.location }
    var seeds: String { root.appendingPathComponent("Seeds").path }
    var policies: String { root.appendingPathComponent("Policies").path }

    /// `writer`: the chain its changes go to on PostgreSQL (another process's have their own).
    func configuration(policies: [String]? = nil, given: Bool = true, writer: String = "tests") -> AdmitConfiguration {
        AdmitConfiguration(
            databasePath: databasePath, seedsDirectory: seeds, policyPaths: policies ?? [self.policies], policyPathsGiven: given,
            busyTimeout: .seconds(5), actor: "test", writerName: writer)
    }

    func open(at now: String = "2020-11-15T12:00:00+01:00", policies: [String]? = nil, given: Bool = true, writer: String = "tests")
        throws -> Admission
    {
        try Admission(configuration: configuration(policies: policies, given: given, writer: writer), clock: FixedClock(instant(now)))
    }

    /// Writes a policy folder with one file holding `text`.
    func policyFolder(_ name: String, _ text: String) throws -> String {
        let folder = directory + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: folder + "/p.policy", atomically: true, encoding: .utf8)
        return folder
    }
}

func instant(_ text: String) -> Instant {
    do { return try Instant(parsing: text) } catch { fatalError("bad instant in a test: \(error)") }
}
