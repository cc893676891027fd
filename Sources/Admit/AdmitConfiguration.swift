import Foundation

/// Where Admit finds its database, seeds and policies, and who is acting.
public struct AdmitConfiguration: Sendable {
    /// The SQLite file, or a `postgresql://` URL; created (a file) and seeded on first use.
    public var databasePath: String
    /// The folder with `catalog.json` and `users.json`, read when a new database is seeded.
    public var seedsDirectory: String
    /// Policy files or folders of them (`*.policy`, `*.tests`).
    public var policyPaths: [String]
    /// Whether `policyPaths` was given explicitly; if not and the default folder is missing, the
    /// policy version the database last used is taken instead.
    public var policyPathsGiven: Bool
    /// How long to wait for another process's write lock.
    public var busyTimeout: Duration
    /// Who is acting, recorded with every change and decision (e.g. `cli:alice`).
    public var actor: String
    /// On PostgreSQL, the name of the audit log's chain this process appends to: processes that
    /// share a name append one after the other (Docs/scaling.md). Nil: `$ADMIT_WRITER`, else the
    /// host's name, looked up only when a PostgreSQL database is opened.
    public var writerName: String?

    public init(
        databasePath: String, seedsDirectory: String = "Seeds", policyPaths: [String] = ["Policies"],
        policyPathsGiven: Bool = false, busyTimeout: Duration = .seconds(5), actor: String,
        writerName: String? = nil
    ) {
        self.databasePath = databasePath
        self.seedsDirectory = seedsDirectory
        self.policyPaths = policyPaths
        self.policyPathsGiven = policyPathsGiven
        self.busyTimeout = busyTimeout
        self.actor = actor
        self.writerName = writerName
    }

    /// The writer name from `$ADMIT_WRITER`, else the host's name.
    public static func writerName(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let name = environment["ADMIT_WRITER"], !name.isEmpty { return name }
        return ProcessInfo.processInfo.hostName
    }

    /// The database path from `--db`, else `$ADMIT_DB`, else `./admit.sqlite`.
    public static func databasePath(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let path = environment["ADMIT_DB"], !path.isEmpty { return path }
        return "admit.sqlite"
    }
}
