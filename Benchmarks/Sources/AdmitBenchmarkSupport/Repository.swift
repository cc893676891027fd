import AdmitDomain
import Foundation

/// Where the Admit repository is, and literals for setting up benchmarks.
public enum Repository {
    /// The repository root: four levels above this file (Benchmarks/Sources/AdmitBenchmarkSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A fresh, empty scratch folder for this process under the system's temporary directory.
    public static func scratchDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "admit-bench-\(ProcessInfo.processInfo.processIdentifier)-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            fatalError("cannot create \(path): \(error)")
        }
        return path
    }
}

extension Instant {
    /// The instant of an RFC 3339 literal written in benchmark code (a typo stops the run at once).
    public static func at(_ text: String) -> Instant {
        do { return try Instant(parsing: text) } catch { preconditionFailure("bad instant literal '\(text)': \(error)") }
    }
}
