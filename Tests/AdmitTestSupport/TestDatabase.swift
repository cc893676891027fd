import AdmitPostgres
import Foundation
import PostgresNIO

/// The two stores a test may run on.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// A new, empty database of either kind for one test, removed when released: an SQLite file in a
/// temporary folder of its own, or a database of its own on the tests' PostgreSQL server
/// (``TestServer``), so that tests run side by side. Synchronous, for tests of synchronous code.
public final class TestDatabase: @unchecked Sendable {
    public let kind: StoreKind
    /// A temporary folder of the test's own (the SQLite file is in it; a test may put files there).
    public let directory: String
    /// What `--db` (and `AdmitConfiguration.databasePath`) takes: a path or a `postgresql://` URL.
    public let location: String
    /// The PostgreSQL database, if it is one.
    public let url: PostgresURL?

    /// Runs the server's async calls while a test's thread waits (not on Swift's shared pool,
    /// which a waiting synchronous test may be holding).
    private static let runner = BlockingRunner(name: "admit.test-database")

    /// `prefix` names the temporary folder (`prefix-UUID`).
    public init(_ kind: StoreKind, prefix: String = "admit-tests") throws {
        self.kind = kind
        directory = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        switch kind {
        case .sqlite:
            url = nil
            location = directory + "/admit.sqlite"
        case .postgres:
            do {
                let admin = try TestServer.url()
                let name = TestServer.newDatabaseName()
                try Self.run { try await TestServer.execute("CREATE DATABASE \(name)", on: admin) }
                url = admin.with(database: name)
                location = TestServer.text(of: admin.with(database: name))
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
        }
    }

    deinit {
        if let url, let admin = try? TestServer.url() {
            // FORCE: connections a test left open (an `Admission` it did not close) end with it.
            _ = try? Self.runner.run { try await TestServer.execute("DROP DATABASE \(url.database) WITH (FORCE)", on: admin) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `sql` (no binds) on the database, on a connection of its own (PostgreSQL only).
    public func execute(_ sql: String) throws {
        guard let url else { preconditionFailure("TestDatabase: SQL on \(kind), which is not PostgreSQL") }
        try Self.run { try await TestServer.execute(sql, on: url) }
    }

    /// The integers of the first column of `sql`'s rows (PostgreSQL only).
    public func integers(_ sql: String) throws -> [Int] {
        try column(sql, of: Int.self)
    }

    /// The texts of the first column of `sql`'s rows (PostgreSQL only).
    public func texts(_ sql: String) throws -> [String] {
        try column(sql, of: String.self)
    }

    private func column<T: PostgresDecodable & Sendable>(_ sql: String, of type: T.Type) throws -> [T] {
        guard let url else { preconditionFailure("TestDatabase: SQL on \(kind), which is not PostgreSQL") }
        return try Self.run { try await TestServer.column(sql, of: T.self, on: url) }
    }

    /// Runs `operation` for a waiting test; the driver's errors are described in full (its own
    /// description says nothing, to keep secrets out of logs).
    private static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        do {
            return try runner.run(operation)
        } catch let error as PSQLError {
            throw Failed(description: String(reflecting: error))
        }
    }

    /// A statement of the test's own failed.
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }
}
