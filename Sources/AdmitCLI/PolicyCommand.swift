import Admit
import AdmitRules
import ArgumentParser

/// `admit policy`: check and test policy files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Validate policy files and run their tests.", subcommands: [Check.self, Test.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate policy files and report every error, compiler-style.",
            discussion: "Exit 0 when valid, 2 when any file has an error.")

        @Argument(help: ArgumentHelp("Policy files or folders (default: those of --policies, else Policies).", valueName: "path"))
        var paths: [String] = []

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let paths = paths.isEmpty ? store.configuration.policyPaths : paths
                let catalog = try PolicyTooling.catalog(for: store.configuration)
                let loaded = try PolicyTooling.check(paths: paths, catalog: catalog)
                Terminal.print(
                    "ok: \(loaded.sources.count) policy file\(loaded.sources.count == 1 ? "" : "s"), \(loaded.set.windows.count) windows, "
                        + "\(loaded.set.rules.count) rules; version \(loaded.version.hash)")
                return .success
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the expected decisions in *.tests files against the policies beside them.",
            discussion: "Exit 0 when every expectation holds, 1 when any fails, 2 on an error in the files.")

        @Argument(help: ArgumentHelp("Policy files or folders (default: those of --policies, else Policies).", valueName: "path"))
        var paths: [String] = []

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let paths = paths.isEmpty ? store.configuration.policyPaths : paths
                let catalog = try PolicyTooling.catalog(for: store.configuration)
                let (_, results) = try PolicyTooling.test(paths: paths, catalog: catalog)
                for result in results where !result.passed {
                    Terminal.print("\(result.test.location): fail: \(result.failure)")
                }
                let failed = results.filter { !$0.passed }.count
                Terminal.print("\(results.count - failed) passed, \(failed) failed")
                return failed == 0 ? .success : ExitCode(1)
            }
        }
    }
}
