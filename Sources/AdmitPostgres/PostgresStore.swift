import Logging
import PostgresNIO
import Synchronization

/// One connection to Admit's PostgreSQL database: connects, migrates, runs statements.
///
/// This is the first slices of the PostgreSQL store (issue 11, Docs/scaling.md): connection,
/// errors, schema, and the decision log with one hash chain per writer. Admit's use cases still
/// run on SQLite's `Store`.
public final class PostgresStore: Sendable {
    /// Where the database is.
    public let url: PostgresURL
    let connection: PostgresConnection
    let logger: Logger
    /// `audit_texts` ids already read or written: texts are never changed or removed.
    let textIDs = Mutex<[String: Int64]>([:])

    private init(url: PostgresURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    /// Connects to the database at `url` (plain TCP), without migrating.
    ///
    /// - Throws: ``PostgresStoreError``: unreachable, wrong password, no such database, …
    public static func connect(_ url: PostgresURL, logger: Logger = Logger(label: "admit.postgres")) async throws(PostgresStoreError)
        -> PostgresStore
    {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        // Admit's statements are short; compiling one (JIT) costs more than running it: the change
        // feed's read took 400 ms with it and 0.2 ms without, on 100,000 state rows. Set at the
        // start, not by a query after it: a query the server's closing cuts can go unanswered.
        configuration.options.additionalStartupParameters = [("jit", "off")]
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresStore(url: url, connection: connection, logger: logger)
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// Connects and brings the schema up to date (``migrate()``).
    public static func open(_ url: PostgresURL, logger: Logger = Logger(label: "admit.postgres")) async throws(PostgresStoreError)
        -> PostgresStore
    {
        let store = try await connect(url, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Whether the connection has closed (the server went away, or `close()`).
    public var isClosed: Bool { connection.isClosed }

    /// Calls `body` once the connection has closed (on the driver's event loop).
    func whenClosed(_ body: @escaping @Sendable () -> Void) {
        connection.closeFuture.whenComplete { _ in body() }
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    /// The schema version this build knows.
    public static var supportedVersion: Int { PostgresMigrations.supported }

    /// Runs the migrations the database lacks, in one transaction under an advisory lock, so that
    /// of several processes starting at once one migrates and the others find it done.
    ///
    /// - Returns: The versions this call applied (empty when the schema was up to date).
    /// - Throws: ``PostgresStoreError/tooNew(database:version:supported:)`` for a database of a
    ///   newer Admit (nothing is changed); ``PostgresStoreError/lacksPrivilege(user:database:message:)``
    ///   for a role that may not create the tables.
    @discardableResult
    public func migrate() async throws(PostgresStoreError) -> [Int] {
        let url = self.url
        let logger = self.logger
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: PostgresMigrations.versionTable), logger: logger)
                var current = 0
                for try await version in try await connection.query(
                    "SELECT coalesce(max(version), 0) FROM admit_schema_versions", logger: logger
                ).decode(Int.self) {
                    current = version
                }
                let supported = PostgresMigrations.supported
                guard current <= supported else {
                    throw PostgresStoreError.tooNew(database: url.database, version: current, supported: supported)
                }
                var applied: [Int] = []
                for version in (current + 1)..<(supported + 1) {
                    for statement in PostgresMigrations.all[version - 1] {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO admit_schema_versions(version) VALUES (\(version))", logger: logger)
                    applied.append(version)
                }
                return applied
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The database's schema version: the highest migration recorded, 0 when none.
    public func schemaVersion() async throws(PostgresStoreError) -> Int {
        do {
            let exists =
                try await connection.query(
                    "SELECT to_regclass('admit_schema_versions') IS NOT NULL", logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            guard exists else { return 0 }
            let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM admit_schema_versions", logger: logger)
            return try await rows.collect().first?.decode(Int.self) ?? 0
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    /// The ``PostgresStoreError`` that says what `error`, thrown by the driver for `url`, means.
    static func storeError(_ error: any Error, url: PostgresURL) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.commitError ?? error.beginError {
                return storeError(inner, url: url)
            }
            return .connection(host: url.host, port: url.port, cause: String(reflecting: error))
        }
        guard let error = error as? PSQLError else {
            return .connection(host: url.host, port: url.port, cause: String(describing: error))
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?????"
            let message = error.serverInfo?[.message] ?? ""
            switch state {
            case "28P01": return .wrongPassword(user: url.user, host: url.host, port: url.port)
            case "3D000": return .noSuchDatabase(database: url.database, host: url.host, port: url.port)
            case "42501": return .lacksPrivilege(user: url.user, database: url.database, message: message)
            case "55P03", "40P01":
                // lock_timeout, or a deadlock the server broke by failing this transaction.
                return .busy(message: message)
            case let state where state.hasPrefix("08") || state.hasPrefix("57P"):
                // The connection ended: the server shut down or restarted, the backend was terminated.
                return .connection(host: url.host, port: url.port, cause: "\(message) (SQLSTATE \(state))")
            case let state where state.hasPrefix("28"):
                return .authenticationRefused(user: url.user, host: url.host, port: url.port, message: message)
            default: return .server(sqlState: state, message: message)
            }
        case .connectionError:
            let cause = error.underlying.map { String(describing: $0) } ?? "connection failed"
            return .unreachable(host: url.host, port: url.port, cause: cause)
        case .authMechanismRequiresPassword:
            return .passwordRequired(user: url.user, host: url.host, port: url.port)
        default:
            let cause = error.underlying.map { String(describing: $0) } ?? error.code.description
            return .connection(host: url.host, port: url.port, cause: cause)
        }
    }
}
