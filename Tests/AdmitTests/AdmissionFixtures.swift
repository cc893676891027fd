import Admit
import AdmitDomain
import Foundation
import Testing

/// A fresh database in a temporary folder, seeded from the repository's `Seeds/` and `Policies/`.
final class Workspace {
    let directory: String
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init() {
        directory = NSTemporaryDirectory() + "admit-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var databasePath: String { directory + "/admit.sqlite" }
    var seeds: String { root.appendingPathComponent("Seeds").path }
    var policies: String { root.appendingPathComponent("Policies").path }

    func configuration(policies: [String]? = nil, given: Bool = true) -> AdmitConfiguration {
        AdmitConfiguration(
            databasePath: databasePath, seedsDirectory: seeds, policyPaths: policies ?? [self.policies], policyPathsGiven: given,
            busyTimeout: .seconds(5), actor: "test")
    }

    func open(at now: String = "2020-11-15T12:00:00+01:00", policies: [String]? = nil, given: Bool = true) throws -> Admission {
        try Admission(configuration: configuration(policies: policies, given: given), clock: FixedClock(instant(now)))
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
