import Admit
import AdmitDomain
import AdmitStore
import Foundation

/// Realistic decision rows for the audit log.
public enum DecisionRows {
    /// An `Admission` on a new database in `directory`, seeded from the repository's `Seeds/` and `Policies/`.
    public static func admission(in directory: String, at now: Instant) -> Admission {
        let configuration = AdmitConfiguration(
            databasePath: directory + "/admit.sqlite", seedsDirectory: Repository.root + "/Seeds",
            policyPaths: [Repository.root + "/Policies"], policyPathsGiven: true, actor: "bench")
        do { return try Admission(configuration: configuration, clock: FixedClock(now)) } catch {
            fatalError("cannot open an Admission in \(directory): \(error)")
        }
    }

    /// Decision rows exactly as `admit check` writes them (integers and the decision's code): made
    /// by real checks of the demo users on a scratch database and read back from its log.
    /// An allow in the free window, an allow with premium after it, a deny by the forbid, a deny
    /// with a nearest miss (not enrolled), and a deny after the window closed.
    public static func templates() -> [DecisionRecord] {
        let directory = Repository.scratchDirectory("templates")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admission = admission(in: directory, at: Instant.at("2020-11-15T10:00:00+01:00"))
        defer { admission.close() }
        // The rows are read back through a store of their own (the admission's is the package's).
        let log: Store
        do { log = try Store(path: directory + "/admit.sqlite") } catch { fatalError("cannot open the log: \(error)") }
        defer { log.close() }
        let checks: [(String, String, String)] = [
            ("ada@example.org", "idor-2020-07", "2020-11-15T10:00:00+01:00"),
            ("dan@example.org", "idor-2020-12", "2020-12-01T09:30:00+01:00"),
            ("cleo@example.org", "idor-2020-01", "2020-11-15T10:00:00+01:00"),
            ("ben@example.org", "idor-2020-39", "2020-11-15T10:00:00+01:00"),
            ("ada@example.org", "idor-2020-20", "2020-11-25T10:00:00+01:00"),
        ]
        return checks.map { user, lecture, at in
            do {
                let outcome = try admission.check(user: user, lecture: lecture, at: Instant.at(at))
                guard let entry = try log.auditEntry(outcome.auditSeq), let user = entry.user,
                    let version = entry.factsVersion, let lecture = entry.lecture, let at = entry.at, let effect = entry.effect,
                    let policy = entry.policyHash, let code = entry.code
                else { fatalError("no decision row \(outcome.auditSeq)") }
                return DecisionRecord(
                    recordedAt: entry.recordedAt, actor: entry.actor, user: user, factsVersion: version, lecture: lecture, at: at,
                    effect: effect, policyHash: policy, code: code)
            } catch {
                fatalError("check \(user) \(lecture) failed: \(error)")
            }
        }
    }

    /// `count` decision rows cycling through `templates`, each for another user, lecture and instant.
    public static func rows(_ count: Int, templates: [DecisionRecord]) -> [DecisionRecord] {
        var random = SplitMix64(seed: 3)
        let start = Instant.at("2020-11-01T00:00:00+01:00").millisecondsSinceEpoch
        let lectures = (1...39).map { LectureID($0 < 10 ? "idor-2020-0\($0)" : "idor-2020-\($0)") }
        return (0..<count).map { index in
            var record = templates[index % templates.count]
            record.user = UserID(Int64.random(in: 1...100_000, using: &random))
            record.lecture = lectures.randomElement(using: &random) ?? record.lecture
            record.at = Instant(millisecondsSinceEpoch: start + Int64.random(in: 0..<(60 * 86_400_000), using: &random))
            record.recordedAt = Instant(millisecondsSinceEpoch: 1_605_430_800_000 + Int64(index))
            return record
        }
    }
}
