import AdmitPostgres
import AdmitTestSupport
import Foundation
import Testing

/// Each way of failing to reach the database gives its own error, with the values that say it.
@Suite("PostgreSQL faults")
struct PostgresFaultTests {
    @Test("an unreachable port: the error names the host and the port")
    func unreachable() async throws {
        let server = try TestServer.url()
        let port = try Self.closedPort()
        let url = server.with(database: "admit_test")
        let target = PostgresURL(host: "127.0.0.1", port: port, user: url.user, password: url.password, database: url.database)
        do throws(PostgresStoreError) {
            _ = try await PostgresStore.connect(target, logger: TestServer.logger)
            Issue.record("connected to a port nothing listens on")
        } catch {
            guard case .unreachable(let host, let errorPort, _) = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
            #expect(host == "127.0.0.1")
            #expect(errorPort == port)
            #expect(error.description.hasPrefix("PostgreSQL is not reachable at 127.0.0.1:\(port): "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a wrong password")
    func wrongPassword() async throws {
        var url = try TestServer.url()
        url.password = "not-the-password"
        await #expect(throws: PostgresStoreError.wrongPassword(user: url.user, host: url.host, port: url.port)) {
            _ = try await PostgresStore.connect(url, logger: TestServer.logger)
        }
        #expect(
            PostgresStoreError.wrongPassword(user: url.user, host: url.host, port: url.port).description
                == "PostgreSQL at \(url.host):\(url.port) refused the password of user '\(url.user)'")
    }

    @Test("no password where the server wants one")
    func passwordMissing() async throws {
        var url = try TestServer.url()
        url.password = nil
        await #expect(throws: PostgresStoreError.passwordRequired(user: url.user, host: url.host, port: url.port)) {
            _ = try await PostgresStore.connect(url, logger: TestServer.logger)
        }
    }

    @Test("a missing database")
    func missingDatabase() async throws {
        let url = try TestServer.url().with(database: "admit_no_such_database")
        await #expect(throws: PostgresStoreError.noSuchDatabase(database: "admit_no_such_database", host: url.host, port: url.port)) {
            _ = try await PostgresStore.connect(url, logger: TestServer.logger)
        }
    }

    @Test("a role without CREATE on the schema cannot migrate: lacking privileges, in the server's words")
    func lackingPrivileges() async throws {
        try await TestServer.withFreshDatabase { database in
            let role = "admit_r_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            try await TestServer.execute("CREATE ROLE \(role) LOGIN PASSWORD 'weak-\(role)'", on: database)
            try await TestServer.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", on: database)
            let limited = PostgresURL(
                host: database.host, port: database.port, user: role, password: "weak-\(role)", database: database.database)
            do throws(PostgresStoreError) {
                let store = try await PostgresStore.open(limited, logger: TestServer.logger)
                await store.close()
                Issue.record("a role without CREATE migrated")
            } catch {
                guard case .lacksPrivilege(let user, let name, let message) = error else {
                    Issue.record("expected lacksPrivilege, got \(error)")
                    try await TestServer.execute("DROP ROLE \(role)", on: database)
                    return
                }
                #expect(user == role)
                #expect(name == database.database)
                #expect(message.contains("permission denied for schema public"))
                #expect(error.description.hasPrefix("user '\(role)' lacks a privilege Admit needs in database '\(database.database)': "))
            }
            // Nothing was left half-made.
            #expect(try await TestServer.integers("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", on: database) == [0])
            try await TestServer.execute("DROP OWNED BY \(role)", on: database)
            try await TestServer.execute("DROP ROLE \(role)", on: database)
        }
    }

    /// A loopback port nothing listens on: bound, read and closed again.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
