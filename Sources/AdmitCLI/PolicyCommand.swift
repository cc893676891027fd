import Admit
import AdmitRules
import ArgumentParser
import Foundation

/// `admit policy`: check and test policy files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Validate policy files, run their tests, and show what a change does to the users.",
        subcommands: [Check.self, Test.self, Diff.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate policy files and report every error and warning, compiler-style.",
            discussion: """
                Warnings (a package with lectures no permit opens, a permit a forbid always overrides, a window no rule \
                uses, chained windows with a gap or an overlap) go to standard error. Exit 0 when valid, 1 when valid \
                with warnings and --strict, 2 when any file has an error.
                """)

        @Argument(help: ArgumentHelp("Policy files or folders (default: those of --policies, else Policies).", valueName: "path"))
        var paths: [String] = []

        @Flag(name: .long, help: "Exit 1 when there are warnings.")
        var strict = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let paths = paths.isEmpty ? store.configuration.policyPaths : paths
                let catalog = try PolicyTooling.catalog(for: store.configuration)
                let loaded = try PolicyTooling.check(paths: paths, catalog: catalog)
                let warnings = loaded.set.warnings
                if !warnings.isEmpty {
                    FileHandle.standardError.write(Data((PolicyDiagnostics(warnings).rendered(sources: loaded.sources) + "\n").utf8))
                }
                let counted = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
                Terminal.print(
                    "ok: \(loaded.sources.count) policy file\(loaded.sources.count == 1 ? "" : "s"), \(loaded.set.windows.count) windows, "
                        + "\(loaded.set.rules.count) rules\(counted); version \(loaded.version.hash)")
                return strict && !warnings.isEmpty ? ExitCode(1) : .success
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

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show who gains and who loses which lectures over which spans if new policy files replace the ones in force.",
            discussion: """
                Compares, for every user in the database and every lecture, the exact spans in which the policy in force \
                (--policies, else Policies) and the new one (--to) allow it. Read-only. Exit 0 when no user gains or loses \
                anything, 1 when some do, 2 on an error (a new policy with errors is not compared).
                """)

        @Option(name: .long, help: ArgumentHelp("The new policy: a file or folder; repeatable.", valueName: "path"))
        var to: [String]

        @Option(name: .long, help: ArgumentHelp("Compare only the lectures of this package.", valueName: "id"))
        var package: String?

        @Option(
            name: .long, help: ArgumentHelp("Start of the range compared (RFC 3339 with offset; default: unbounded).", valueName: "instant")
        )
        var from: String?

        @Option(name: .long, help: ArgumentHelp("End of the range compared, exclusive (default: unbounded).", valueName: "instant"))
        var until: String?

        @Flag(name: .long, help: "List every user of every change (default: the first few).")
        var users = false

        @OptionGroup var output: OutputOptions

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard !to.isEmpty else { throw ValidationError("--to: name the new policy files or folder") }
        }

        func run() throws {
            try Terminal.run {
                let range = try Terminal.range(from: from, until: until)
                let admission = try store.open()
                defer { admission.close() }
                let new = try admission.readPolicy(at: to)
                let diff = try admission.policyDiff(to: new, package: package, range: range, listUsers: users)
                output.print(diff.json, text: TextReport.policyDiff(diff, catalog: admission.catalog))
                return diff.changesAccess ? ExitCode(1) : .success
            }
        }
    }
}
