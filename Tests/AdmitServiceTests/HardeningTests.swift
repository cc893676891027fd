import AdmitJSON
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import Synchronization
import Testing

@testable import AdmitService

/// Idle and slow clients, connections per peer, and a log that a flood of refusals cannot flood.
@Suite(.serialized) struct HardeningTests {
    static let quick = Duration.milliseconds(300)

    @Test func idleConnectionsAreToldAndClosedAndNoLongerLockOthersOut() async throws {
        let limits = ServiceLimits(maxConnections: 8, maxConnectionsPerPeer: 8, idleTimeout: Self.quick)
        try await TCPServiceTests().withServer(ServiceWorkspace(), limits: limits) { port, _ in
            try await onThread {
                let idle = try (0..<8).map { _ in try LineClient(port: port) }
                // While the eight are open, a ninth is turned away.
                let refused = try LineClient(port: port).readToEnd().map { try JSONParser.parse($0) }
                #expect(refused.map(\.errorCode) == [-32032])
                // After the timeout each idle one got the reason, then the end of the stream.
                for client in idle {
                    let lines = try client.readToEnd().map { try JSONParser.parse($0) }
                    #expect(lines.map(\.errorCode) == [-32033])
                    #expect(lines.first?["error"]?["data"]?["timeoutMilliseconds"]?.int64Value == 300)
                }
                // The idle clients keep their sockets open, as an attacker would: the service drops them anyway.
                Thread.sleep(forTimeInterval: 1.3)
                let fresh = try LineClient(port: port)
                try fresh.send(request("ping", id: 1) + "\n")
                #expect(try fresh.readLines(1).first.map { try JSONParser.parse($0) }?.result == "pong")
            }
        }
    }

    @Test func anIdleClientThatSendsAfterItsErrorLineIsDrainedNotReset() async throws {
        let limits = ServiceLimits(idleTimeout: Self.quick)
        try await TCPServiceTests().withServer(ServiceWorkspace(), limits: limits) { port, _ in
            try await onThread {
                let client = try LineClient(port: port)
                let told = try client.readToEnd().map { try JSONParser.parse($0) }
                #expect(told.map(\.errorCode) == [-32033])
                // Within the idle drain (1 s) the service reads and drops this; closed, it would reset.
                for id in 1...3 {
                    try client.send(request("ping", id: .number(JSONNumber(Int64(id)))) + "\n")
                    Thread.sleep(forTimeInterval: 0.02)  // well inside the drain, on a loaded machine too
                }
                client.finishSending()
                #expect(try client.readToEnd().isEmpty)
            }
        }
    }

    @Test func aClientThatKeepsSendingLinesIsNotIdle() async throws {
        let limits = ServiceLimits(idleTimeout: Self.quick)
        try await TCPServiceTests().withServer(ServiceWorkspace(), limits: limits) { port, _ in
            try await onThread {
                let client = try LineClient(port: port)
                for id in 1...8 {  // 8 x 100 ms: well past one timeout in all
                    try client.send(request("ping", id: .number(JSONNumber(Int64(id)))) + "\n")
                    #expect(try client.readLines(1).first.map { try JSONParser.parse($0) }?.result == "pong")
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
        }
    }

    @Test func aSlowSenderThatTricklesALineIsClosed() async throws {
        let limits = ServiceLimits(idleTimeout: Self.quick)
        try await TCPServiceTests().withServer(ServiceWorkspace(), limits: limits) { port, _ in
            try await onThread {
                let client = try LineClient(port: port)
                let started = Date()
                var sendFailed = false
                // One byte every 50 ms of a line that never ends, for up to 3 s.
                for byte in Array(request("ping", id: 1).utf8).prefix(60) {
                    do { try client.send(bytes: [byte]) } catch {
                        sendFailed = true
                        break
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                let lines = try client.readToEnd().map { try JSONParser.parse($0) }
                #expect(lines.map(\.errorCode) == [-32033], "sendFailed: \(sendFailed)")
                #expect(Date().timeIntervalSince(started) < 3.5)
            }
        }
    }

    @Test func onePeerCannotTakeEveryConnection() async throws {
        let limits = ServiceLimits(maxConnections: 8, maxConnectionsPerPeer: 2)
        try await TCPServiceTests().withServer(ServiceWorkspace(), limits: limits) { port, _ in
            try await onThread {
                let first = try LineClient(port: port)
                let second = try LineClient(port: port)
                try first.send(request("ping", id: 1) + "\n")
                try second.send(request("ping", id: 2) + "\n")
                #expect(try first.readLines(1).count == 1)
                #expect(try second.readLines(1).count == 1)
                let third = try LineClient(port: port).readToEnd().map { try JSONParser.parse($0) }
                #expect(third.map(\.errorCode) == [-32034])
                #expect(third.first?["error"]?["message"]?.stringValue?.contains("from 127.0.0.1") == true)
            }
        }
    }

    @Test func aFloodOfRefusalsIsLoggedAtMostOnceASecondWithTheCount() async throws {
        let lines = LogLines()
        var logger = Logger(label: "refusals", factory: { _ in lines })
        logger.logLevel = .warning
        let log = RefusalLog(logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        for _ in 0..<500 { log.refused(.tooManyConnections, peer: "127.0.0.1", on: loop) }
        for _ in 0..<20 { log.refused(.tooManyFromPeer, peer: "127.0.0.1", on: loop) }
        #expect(lines.records.count == 1, "the first refusal is logged at once")
        try await Task.sleep(for: .milliseconds(1300))
        let records = lines.records
        #expect(records.count == 2, "the rest in one line, a second later")
        #expect(records.map { $0["refused"] } == ["1", "519"])
        #expect(records.last?["too-many-connections"] == "499")
        #expect(records.last?["too-many-from-peer"] == "20")
        try await group.shutdownGracefully()
    }

    @Test func limitsAreChecked() {
        #expect(throws: ServiceError.self) { try ServiceLimits(maxConnectionsPerPeer: 0).validate() }
        #expect(throws: ServiceError.self) { try ServiceLimits(idleTimeout: .zero).validate() }
    }
}

/// A log handler that keeps each record's metadata, for tests.
final class LogLines: LogHandler, @unchecked Sendable {
    private let box = NIOLockedValueBox<[[String: String]]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var records: [[String: String]] { box.withLockedValue { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String,
        line: UInt
    ) {
        var record = ["message": "\(message)"]
        for (key, value) in metadata ?? [:] { record[key] = "\(value)" }
        box.withLockedValue { $0.append(record) }
    }
}
