import AdmitPostgres
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server the tests run against.
///
/// `ADMIT_TEST_POSTGRES` (set by `.ci/run`, or from `Tests/postgres/cluster.sh start DIR`) names
/// one. Without it the tests start a throw-away cluster of their own with the same script, in
/// `.build/test-postgres` (a stale one from a killed run is wiped), and stop it when the test
/// process exits. When neither works the tests fail with one message saying why; they never skip.
public enum TestServer {
    /// Why the server could not be had.
    public struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        public var description: String {
            "the tests on PostgreSQL need a server: \(reason). Run ADMIT_TEST_POSTGRES=$(Tests/postgres/cluster.sh start /tmp/admit-pg) swift test"
        }
    }

    /// The server's URL (its `admit_test` database), or why there is none.
    public static let server: Result<PostgresURL, Unavailable> = start()

    /// The URL of the server's `admit_test` database; throws (failing the test) when there is none.
    public static func url() throws -> PostgresURL {
        try server.get()
    }

    private static func start() -> Result<PostgresURL, Unavailable> {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["ADMIT_TEST_POSTGRES"], !text.isEmpty {
            do {
                return .success(try PostgresURL(parsing: text, environment: environment))
            } catch {
                return .failure(Unavailable(reason: "ADMIT_TEST_POSTGRES: \(error)"))
            }
        }
        return startOwnCluster(environment: environment)
    }

    /// `Tests/postgres/cluster.sh`, next to this file's folder.
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("postgres/cluster.sh")

    /// The folder of the tests' own cluster: `.build/test-postgres` in the package.
    private static let clusterFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/test-postgres")

    /// Starts a cluster with `cluster.sh start`, and arranges `cluster.sh stop` at exit.
    ///
    /// The script's output goes to files, never to pipes: the server it starts outlives the
    /// script, and a pipe it inherited would never reach end-of-file.
    private static func startOwnCluster(environment: [String: String]) -> Result<PostgresURL, Unavailable> {
        let folder = clusterFolder
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data")
        let output = folder.appendingPathComponent("url.txt")
        let errors = folder.appendingPathComponent("cluster.log")
        for file in [output, errors] { try? FileManager.default.removeItem(at: file) }
        do {
            let status = try run(script, ["start", data.path], stdout: output, stderr: errors)
            let text = (try? String(contentsOf: output, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard status == 0, !text.isEmpty else {
                let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                let tail = log.split(separator: "\n").suffix(5).joined(separator: "\n")
                let reason = "ADMIT_TEST_POSTGRES is not set and \(script.path) start failed (exit \(status)): \(tail)"
                return .failure(Unavailable(reason: reason))
            }
            atexit { TestServer.stopOwnCluster() }
            return .success(try PostgresURL(parsing: text, environment: environment))
        } catch {
            return .failure(Unavailable(reason: "ADMIT_TEST_POSTGRES is not set and \(script.path) could not run: \(error)"))
        }
    }

    /// Stops the tests' own cluster (at exit).
    private static func stopOwnCluster() {
        let folder = clusterFolder
        _ = try? run(
            script, ["stop", folder.appendingPathComponent("data").path],
            stdout: folder.appendingPathComponent("stop.log"), stderr: folder.appendingPathComponent("stop.log"))
    }

    /// Runs `executable` with its output appended to files and no input; its exit status.
    ///
    /// `posix_spawn` and `waitpid`, not Foundation's `Process`: its `waitUntilExit` never
    /// returned when called from a test here.
    private static func run(_ executable: URL, _ arguments: [String], stdout: URL, stderr: URL) throws -> Int32 {
        struct SpawnFailed: Error, CustomStringConvertible {
            var code: Int32
            var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | O_APPEND
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, flags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, flags, 0o644)
        closeEveryOtherDescriptor(&actions)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnFailed(code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS by hand: the macros do not reach Swift.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Has the child close every descriptor above 2 before it runs.
    ///
    /// The server the script starts outlives the test process's other work: a pipe end it
    /// inherited from a test that was running a command at that moment (Foundation's `Pipe` is
    /// not close-on-exec) would keep that test's read from ever reaching end-of-file, and the
    /// whole run would hang. glibc 2.34+ has `posix_spawn_file_actions_addclosefrom_np`, which
    /// Swift's Glibc module does not declare, hence `dlsym`; without it, every descriptor open
    /// now is closed one by one (one opened by another thread meanwhile could still slip through).
    private static func closeEveryOtherDescriptor(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            if addCloseFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(CInt.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// A quiet logger for the driver.
    public static let logger: Logger = {
        var logger = Logger(label: "admit.postgres.tests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` on a new, empty database of its own (so tests run in parallel), dropped after.
    public static func withFreshDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let admin = try url()
        let name = newDatabaseName()
        try await execute("CREATE DATABASE \(name)", on: admin)
        do {
            let result = try await body(admin.with(database: name))
            try await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
            return result
        } catch {
            try? await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
            throw error
        }
    }

    /// A name no test's database has had: `admit_t_` and a UUID's hex digits.
    static func newDatabaseName() -> String {
        "admit_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// Runs `sql` (no binds) on the database at `url`, as its user.
    public static func execute(_ sql: String, on url: PostgresURL) async throws {
        try await withConnection(url) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// The integers of the first column of `sql`'s rows.
    public static func integers(_ sql: String, on url: PostgresURL) async throws -> [Int] {
        try await column(sql, of: Int.self, on: url)
    }

    /// The first column of `sql`'s rows, as `type`.
    public static func column<T: PostgresDecodable & Sendable>(_ sql: String, of type: T.Type, on url: PostgresURL) async throws -> [T] {
        try await withConnection(url) { connection in
            var values: [T] = []
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(T.self) {
                values.append(value)
            }
            return values
        }
    }

    /// The URL as `--db` takes it, its password percent-encoded.
    public static func text(of url: PostgresURL) -> String {
        let password = url.password.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 } ?? ""
        return "postgresql://\(url.user):\(password)@\(url.host):\(url.port)/\(url.database)"
    }

    /// Runs `body` on a raw driver connection to `url`, closed after.
    @discardableResult
    public static func withConnection<T>(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(url)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A raw driver connection (for the tests' own setup and checks).
    public static func connect(_ url: PostgresURL) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable),
            id: 0, logger: logger)
    }
}
