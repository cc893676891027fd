import AdmitDomain
import AdmitRules
import Foundation

/// A policy set read from files (or from the store), validated, with its version and its tests.
public struct LoadedPolicy: Sendable {
    public let version: PolicyVersion
    /// The `*.policy` files, sorted by path.
    public let sources: [PolicySource]
    /// The `*.tests` files beside them, sorted by path.
    public let tests: [PolicySource]
    public let set: PolicySet

    /// Validates `sources` against `catalog`; throws `AdmitError.policyInvalid` with every error.
    public init(sources: [PolicySource], tests: [PolicySource] = [], catalog: Catalog) throws(AdmitError) {
        let sorted = sources.sorted { $0.path < $1.path }
        do {
            set = try PolicySet.compile(sorted, catalog: catalog)
        } catch {
            throw .policyInvalid(error, sources: sorted)
        }
        self.sources = sorted
        self.tests = tests.sorted { $0.path < $1.path }
        version = PolicyVersion(sources: sorted)
    }

    /// Reads `*.policy` and `*.tests` files: each path may be a file or a directory of them.
    public static func readFiles(at paths: [String]) throws(AdmitError) -> (policies: [PolicySource], tests: [PolicySource]) {
        var policies: [PolicySource] = []
        var tests: [PolicySource] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .fileUnreadable(path: path, reason: "no such file or directory")
            }
            let files: [String]
            if isDirectory.boolValue {
                let names: [String]
                do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                    throw .fileUnreadable(path: path, reason: "cannot list the directory")
                }
                files = names.filter { $0.hasSuffix(".policy") || $0.hasSuffix(".tests") }.sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
            } else {
                files = [path]
            }
            for file in files {
                let source = PolicySource(path: file, text: try readText(file))
                if file.hasSuffix(".tests") { tests.append(source) } else { policies.append(source) }
            }
        }
        return (policies, tests)
    }

    static func readText(_ path: String) throws(AdmitError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .fileUnreadable(path: path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .fileUnreadable(path: path, reason: "not valid UTF-8")
        }
        return text
    }
}
