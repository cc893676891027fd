import AdmitDomain
import AdmitPostgres
import AdmitRules
import AdmitStore
import Foundation
import Logging

/// `policy check` and `policy test`: validate policy files and run their tests without touching
/// the database (beyond reading its catalog when it exists).
public enum PolicyTooling {
    /// The catalog to validate against: the database's when it exists, else the seeds'.
    public static func catalog(for configuration: AdmitConfiguration) throws(AdmitError) -> Catalog {
        let path = configuration.databasePath
        if PostgresURL.isPostgresURL(path) {
            do {
                let catalog = try PostgresStorage.catalog(url: path, logger: Logger(label: "admit"))
                if !catalog.packages.isEmpty { return catalog }
            } catch {
                throw AdmitError(error)
            }
        } else if path != ":memory:", FileManager.default.fileExists(atPath: path) {
            do {
                let store = try Store(path: path, create: false, busyTimeout: configuration.busyTimeout)
                defer { store.close() }
                return try store.catalog()
            } catch {
                throw AdmitError(error)
            }
        }
        return try Seeds.read(from: configuration.seedsDirectory).catalog
    }

    /// Validates the policy files at `paths`; returns the loaded policy or throws every error.
    public static func check(paths: [String], catalog: Catalog) throws(AdmitError) -> LoadedPolicy {
        let (policies, tests) = try LoadedPolicy.readFiles(at: paths)
        guard !policies.isEmpty else {
            throw .policyMissing(.noPolicyFile(paths: paths, testsFound: !tests.isEmpty))
        }
        let loaded = try LoadedPolicy(sources: policies, tests: tests, catalog: catalog)
        if !tests.isEmpty { _ = try suite(loaded, catalog: catalog) }
        return loaded
    }

    /// Runs the `*.tests` files found beside the policies at `paths`.
    public static func test(paths: [String], catalog: Catalog) throws(AdmitError) -> (policy: LoadedPolicy, results: [PolicyTestResult]) {
        let loaded = try check(paths: paths, catalog: catalog)
        guard !loaded.tests.isEmpty else { throw .policyMissing(.noTestsFile(paths: paths)) }
        return (loaded, try suite(loaded, catalog: catalog).run(against: loaded.set))
    }

    private static func suite(_ loaded: LoadedPolicy, catalog: Catalog) throws(AdmitError) -> PolicyTestSuite {
        do {
            return try PolicyTestSuite.parse(loaded.tests, catalog: catalog)
        } catch {
            throw .policyInvalid(error, sources: loaded.tests)
        }
    }
}
