/// A failure of the PostgreSQL store, with the values that say it: the host and port, the user,
/// the database, the versions.
///
/// Every sentence is written once, in ``description``; throw sites pass values, never words. The
/// password never appears in a value.
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given as a database URL is not one (the password, if any, is masked in `text`).
    case invalidURL(text: String, problem: URLProblem)
    /// No server answered at host and port (refused, unresolvable, timed out); the network's words.
    case unreachable(host: String, port: Int, cause: String)
    /// The server refused the user's password.
    case wrongPassword(user: String, host: String, port: Int)
    /// The server asked for a password and none was given (in the URL or `PGPASSWORD`).
    case passwordRequired(user: String, host: String, port: Int)
    /// The server refused the user for another reason (`pg_hba.conf`, no such role); its words.
    case authenticationRefused(user: String, host: String, port: Int, message: String)
    /// The server has no database of that name.
    case noSuchDatabase(database: String, host: String, port: Int)
    /// The user may not do what Admit needs in the database (create its tables, read or write them); the server's words.
    case lacksPrivilege(user: String, database: String, message: String)
    /// The database's schema was written by a newer Admit.
    case tooNew(database: String, version: Int, supported: Int)
    /// Registering a writer returned no row of `audit_writers`.
    case writerNotRegistered(name: String)
    /// A registered writer has no row in `audit_heads`: the tables were changed outside Admit.
    case writerWithoutHead(id: Int32, name: String)
    /// A text inserted into `audit_texts` could not be read back.
    case textNotStored(text: String)
    /// A state row of the change feed holds a value this build cannot read.
    case unreadableChange(writer: Int32, seq: Int64)
    /// A copy was asked into a database that already has packages or users.
    case notEmpty(database: String)
    /// A package's time zone is not one this build knows.
    case unknownZone(package: String, zone: String)
    /// A user has a `users` row but no state row in the log: the tables were changed outside Admit.
    case noState(user: Int64)
    /// A user's latest state row holds a value this build cannot read.
    case unreadableState(user: Int64)
    /// The `enrolments` table has a current enrolment the log does not: an edit outside Admit.
    case enrolmentNotInLog(user: Int64, package: String)
    /// An import's new users were not all inserted: another process registered `rows` of their
    /// addresses or external ids at the same time.
    case concurrentImport(rows: Int)
    /// Another transaction held rows this one needed for too long, or the two waited for each
    /// other (a deadlock the server broke): this one was rolled back. The server's words.
    case busy(message: String)
    /// Anything else the server reported: its SQLSTATE and words.
    case server(sqlState: String, message: String)
    /// The connection failed or closed in another way; the driver's words.
    case connection(host: String, port: Int, cause: String)

    /// What is wrong with a text that should be a database URL.
    public enum URLProblem: Sendable, Hashable, CustomStringConvertible {
        /// It does not start with `postgresql://` or `postgres://`.
        case scheme
        /// No `USER@` before the host.
        case user
        /// No host.
        case host
        /// The port is missing or not a number from 1 to 65535.
        case port(String)
        /// No `/DB` after the host and port.
        case database
        /// A part is not valid percent-encoding.
        case encoding
        /// It has `?parameters`, which Admit does not read.
        case parameters

        /// The problem, in a few lowercase words.
        public var description: String {
            switch self {
            case .scheme: "it does not start with postgresql:// or postgres://"
            case .user: "it names no user (postgresql://USER@HOST:PORT/DB)"
            case .host: "it names no host"
            case .port(let text): text.isEmpty ? "it names no port" : "the port '\(text)' is not a number from 1 to 65535"
            case .database: "it names no database (…/DB at the end)"
            case .encoding: "it holds an invalid percent-encoding"
            case .parameters:
                "Admit reads no ?parameters (give the password in the URL or PGPASSWORD; TLS to PostgreSQL is not supported yet)"
            }
        }
    }

    /// The failure, in one line.
    public var description: String {
        switch self {
        case .invalidURL(let text, let problem): "'\(text)' is not a PostgreSQL URL: \(problem)"
        case .unreachable(let host, let port, let cause): "PostgreSQL is not reachable at \(host):\(port): \(cause)"
        case .wrongPassword(let user, let host, let port): "PostgreSQL at \(host):\(port) refused the password of user '\(user)'"
        case .passwordRequired(let user, let host, let port):
            "PostgreSQL at \(host):\(port) wants a password for user '\(user)': give it in the URL or in PGPASSWORD"
        case .authenticationRefused(let user, let host, let port, let message):
            "PostgreSQL at \(host):\(port) refused user '\(user)': \(message)"
        case .noSuchDatabase(let database, let host, let port): "PostgreSQL at \(host):\(port) has no database '\(database)'"
        case .lacksPrivilege(let user, let database, let message):
            "user '\(user)' lacks a privilege Admit needs in database '\(database)': \(message)"
        case .tooNew(let database, let version, let supported):
            "database '\(database)' is at schema version \(version), written by a newer Admit; this one knows up to \(supported) and will not touch it"
        case .writerNotRegistered(let name): "the writer '\(name)' could not be registered: audit_writers returned no row"
        case .writerWithoutHead(let id, let name):
            "the writer \(id) ('\(name)') has no row in audit_heads: the log's tables were changed outside Admit"
        case .textNotStored(let text): "audit_texts lacks '\(text)' just after it was inserted"
        case .unreadableChange(let writer, let seq): "the change row \(seq) of writer \(writer) holds a value this Admit cannot read"
        case .notEmpty(let database): "database '\(database)' is not empty (it has packages or users): a copy goes into a new database only"
        case .unknownZone(let package, let zone): "package '\(package)' has an unknown time zone '\(zone)'"
        case .noState(let user): "user \(user) has no state in the audit log: the tables were changed outside Admit"
        case .unreadableState(let user): "the latest state row of user \(user) holds a value this Admit cannot read"
        case .enrolmentNotInLog(let user, let package):
            "the enrolments table has a current enrolment of user \(user) in '\(package)' that the audit log does not: an edit outside Admit"
        case .concurrentImport(let rows):
            "another process registered \(rows) of this chunk's new addresses or external ids at the same time: the chunk was not "
                + "committed; run the import again (it skips what was committed)"
        case .busy(let message):
            "another process held rows this transaction needed (\(message)): nothing of it was committed; try again when that is done"
        case .server(let sqlState, let message): "PostgreSQL error \(sqlState): \(message)"
        case .connection(let host, let port, let cause): "the connection to PostgreSQL at \(host):\(port) failed: \(cause)"
        }
    }
}
