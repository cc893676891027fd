import Admit
import ArgumentParser
import Foundation
import Logging

/// The options every command that touches the database shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SQLite database file, or postgresql://USER[:PASSWORD]@HOST:PORT/DB (default: $ADMIT_DB, else ./admit.sqlite).",
            valueName: "path|url"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Seed folder used when a new database is created.", valueName: "dir"))
    var seeds: String = "Seeds"

    @Option(name: .long, help: ArgumentHelp("Policy file or folder; repeatable (default: Policies).", valueName: "path"))
    var policies: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another process's write lock.", valueName: "seconds"))
    var busyTimeout: Double = 5

    @Option(name: .long, help: ArgumentHelp("Who is acting, for the audit log (default: cli:$USER).", valueName: "name"))
    var actor: String?

    @Flag(name: .long, help: "Log what Admit does to standard error.")
    var verbose = false

    func validate() throws {
        guard busyTimeout >= 0, busyTimeout <= 3600 else {
            throw ValidationError("--busy-timeout must be between 0 and 3600 seconds")
        }
    }

    var configuration: AdmitConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let user =
            environment["USER"] ?? environment["LOGNAME"] ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "unknown"
        return AdmitConfiguration(
            databasePath: AdmitConfiguration.databasePath(option: db), seedsDirectory: seeds,
            policyPaths: policies.isEmpty ? ["Policies"] : policies, policyPathsGiven: !policies.isEmpty,
            busyTimeout: .milliseconds(Int64(busyTimeout * 1000)), actor: actor ?? "cli:\(user)")
    }

    var logger: Logger {
        var logger = Logger(label: "admit") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        return logger
    }

    /// Opens the database (creating and seeding it when new) with the policy loaded.
    func open() throws(AdmitError) -> Admission {
        try Admission(configuration: configuration, logger: logger)
    }
}
