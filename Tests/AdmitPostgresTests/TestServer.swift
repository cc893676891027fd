import AdmitPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL server the tests run against.
///
/// `ADMIT_TEST_POSTGRES` (set by `.ci/run`, or from `Tests/postgres/cluster.sh start DIR`) names
/// it. Without it the tests fail with one message saying why; they never skip. (Starting a cluster
/// from the test process itself hung in this slice: left for the next one.)
enum TestServer {
    /// Why the server could not be had.
    struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String {
            "AdmitPostgresTests need PostgreSQL: \(reason). Run ADMIT_TEST_POSTGRES=$(Tests/postgres/cluster.sh start /tmp/admit-pg) swift test --filter AdmitPostgresTests"
        }
    }

    /// The server's URL (its `admit_test` database), or why there is none.
    static let server: Result<PostgresURL, Unavailable> = start()

    /// The URL of the server's `admit_test` database; throws (failing the test) when there is none.
    static func url() throws -> PostgresURL {
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
        return .failure(Unavailable(reason: "ADMIT_TEST_POSTGRES is not set"))
    }

    /// A quiet logger for the driver.
    static let logger: Logger = {
        var logger = Logger(label: "admit.postgres.tests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` on a new, empty database of its own (so tests run in parallel), dropped after.
    static func withFreshDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let admin = try url()
        let name = "admit_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
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

    /// Runs `sql` (no binds) on the database at `url`, as its user.
    static func execute(_ sql: String, on url: PostgresURL) async throws {
        try await withConnection(url) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// The integers of the first column of `sql`'s rows.
    static func integers(_ sql: String, on url: PostgresURL) async throws -> [Int] {
        try await withConnection(url) { connection in
            var values: [Int] = []
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
                values.append(value)
            }
            return values
        }
    }

    /// Runs `body` on a raw driver connection to `url`, closed after.
    @discardableResult
    static func withConnection<T>(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> T) async throws -> T {
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
    static func connect(_ url: PostgresURL) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: .init(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable),
            id: 0, logger: logger)
    }
}
