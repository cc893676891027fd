import Admit
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// `admit serve --listen HOST:PORT`: the JSON-lines protocol over TCP, many clients at once.
///
/// One event loop thread does the sockets and the framing; the `AdmitWorker` thread does every
/// decision. On graceful shutdown (SIGTERM, SIGINT) it stops accepting, lets every connection
/// answer what it has read and close, then closes the database.
public final class TCPService: Service, Sendable {
    private let address: ListenAddress
    private let limits: ServiceLimits
    private let worker: AdmitWorker
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let bound: EventLoopPromise<SocketAddress>
    private let tls: NIOSSLContext?

    /// Takes over `admission`: from now on only the service uses it. Throws when the TLS files
    /// cannot be used.
    public init(admission: sending Admission, address: ListenAddress, configuration: ServiceConfiguration, logger: Logger)
        throws(ServiceError)
    {
        tls = try configuration.tls?.makeContext()
        self.address = address
        limits = configuration.limits
        self.logger = logger
        worker = AdmitWorker(admission: admission, configuration: configuration, logger: logger)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        bound = group.next().makePromise(of: SocketAddress.self)
    }

    /// The address the service listens on, once it does (with the real port when 0 was asked).
    public var localAddress: ListenAddress {
        get async throws { ListenAddress(try await bound.futureResult.get()) }
    }

    public func run() async throws {
        defer { logger.info("stopped") }
        do {
            try await serve()
        } catch {
            try await worker.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        // Everything that held the quiescing helper is gone by now: it must not outlive the loop.
        try await worker.shutdown()
        try await group.shutdownGracefully()
    }

    /// Listens until a graceful shutdown, then lets every connection finish.
    private func serve() async throws {
        let quiesce = ServerQuiescingHelper(group: group)
        let connections = NIOLockedValueBox(ConnectionCount())
        let refusals = RefusalLog(logger: logger)
        let limits = limits
        let worker = worker
        let logger = logger
        let tls = tls
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 * 1024, maximum: 256 * 1024)
            )
            .childChannelInitializer { channel in
                let host = channel.remoteAddress?.ipAddress ?? "unknown"
                let refusal = connections.withLockedValue { count -> RPCError? in
                    guard count.total < limits.maxConnections else { return .tooManyConnections(limit: limits.maxConnections) }
                    guard count.byHost[host, default: 0] < limits.maxConnectionsPerPeer else {
                        return .tooManyConnectionsFromPeer(limit: limits.maxConnectionsPerPeer, host: host)
                    }
                    count.total += 1
                    count.byHost[host, default: 0] += 1
                    return nil
                }
                if let refusal {
                    let reason: RefusalLog.Reason = refusal.code == .tooManyConnections ? .tooManyConnections : .tooManyFromPeer
                    refusals.refused(reason, peer: host, on: channel.eventLoop)
                    return TCPService.turnAway(channel, with: refusal)
                }
                channel.closeFuture.whenComplete { _ in
                    connections.withLockedValue { count in
                        count.total -= 1
                        count.byHost[host, default: 1] -= 1
                        if count.byHost[host] == 0 { count.byHost[host] = nil }
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    // A client that does not speak TLS fails the handshake: NIOSSL reports it to
                    // the connection handler, which logs it (debug) and closes.
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(worker: worker, limits: limits, logger: logger))
                }
            }
        let server: any Channel
        do {
            server = try await bootstrap.bind(host: address.host, port: address.port).get()
        } catch {
            bound.fail(error)
            throw ServiceError.transport("cannot listen on \(address): \(error)")
        }
        if let local = server.localAddress { bound.succeed(local) }
        logger.info(
            "listening",
            metadata: ["address": "\(server.localAddress.map { "\($0)" } ?? "\(address)")", "tls": "\(tls != nil)"])
        let drained = group.next().makePromise(of: Void.self)
        let shutdownStarted = NIOLockedValueBox(false)
        let startShutdown: @Sendable () -> Void = {
            guard
                shutdownStarted.withLockedValue({ started in
                    defer { started = true }; return !started
                })
            else { return }
            quiesce.initiateShutdown(promise: drained)
        }
        await withGracefulShutdownHandler {
            try? await server.closeFuture.get()
        } onGracefulShutdown: {
            logger.info("shutting down: no new connections; answering what was read")
            startShutdown()
        }
        startShutdown()  // the listening socket closed by itself: drain all the same
        try? await drained.futureResult.get()
        try? await server.closeFuture.get()
    }

    /// The clients served, in all and by address.
    private struct ConnectionCount {
        var total = 0
        var byHost: [String: Int] = [:]
    }

    /// Answers a connection over a limit with one error line and closes it.
    private static func turnAway(_ channel: any Channel, with error: RPCError) -> EventLoopFuture<Void> {
        let out = channel.allocator.buffer(bytes: Reply.errorLine(error))
        // Stop sending after the line, then close: closing at once with unread input would reset
        // the connection and could drop the line.
        channel.writeAndFlush(out).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
        return channel.eventLoop.makeSucceededVoidFuture()
    }
}
