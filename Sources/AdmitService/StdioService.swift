import Admit
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `admit serve`: the JSON-lines protocol over standard input and output.
///
/// Standard input and output are one NIO channel (`NIOPipeBootstrap`) with the same
/// `ConnectionHandler` as a TCP client: lines framed and parsed on the event loop, each read's
/// calls run by the `AdmitWorker`, the replies written in order, one write per read. While the
/// client does not read its replies, no more input is read: memory stays bounded.
///
/// End of input, SIGTERM and SIGINT all stop reading; what was read is answered and written
/// before the database is closed. (An unterminated last line counts at end of input, not on a
/// signal.) If standard output is closed, the service stops reading and ends.
///
/// Standard input may be a pipe, a socket, a terminal, a regular file or `/dev/null`, and so may
/// standard output; NIO (epoll) cannot wait on the last two, so those are relayed through a pipe
/// by a thread (`StdioDescriptors`).
public final class StdioService: Service, Sendable {
    private let limits: ServiceLimits
    private let worker: AdmitWorker
    private let logger: Logger
    private let input: CInt
    private let output: CInt

    /// Takes over `admission`: from now on only the service uses it. `input` and `output` are
    /// file descriptors (standard input and output unless a test passes others); they stay the
    /// caller's (the service works on duplicates).
    public init(
        admission: sending Admission, configuration: ServiceConfiguration, logger: Logger, input: CInt = STDIN_FILENO,
        output: CInt = STDOUT_FILENO
    ) throws(ServiceError) {
        limits = configuration.limits
        self.logger = logger
        self.input = input
        self.output = output
        worker = AdmitWorker(admission: admission, configuration: configuration, logger: logger)
    }

    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let descriptors: StdioDescriptors
        let channel: any Channel
        do {
            descriptors = try StdioDescriptors(input: input, output: output, logger: logger)
            channel = try await Self.bootstrap(group: group, worker: worker, limits: limits, logger: logger)
                .takingOwnershipOfDescriptors(input: descriptors.input, output: descriptors.output).get()
        } catch {
            // The duplicated descriptors are left open: the process is about to end with this error.
            try await worker.shutdown()
            try await group.shutdownGracefully()
            throw ServiceError.transport("cannot serve standard input and output: \(error)")
        }
        let watch = descriptors.outputWatch.map { Self.watchForGoneReader(of: $0, channel: channel, logger: logger) }
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
            watch?.cancel()
        } onGracefulShutdown: { [logger] in
            logger.info("shutting down: no more input is read; answering what was read")
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        await descriptors.finish()  // every reply relayed, the caller's descriptors as they were
        try await worker.shutdown()
        try await group.shutdownGracefully()
        logger.info("stopped")
    }

    /// Closes the channel once standard output's reader has gone away (`| head -1`). NIO's pipe
    /// channel, on a write that fails with EPIPE, closes its output and goes on half-open without
    /// a word to the handlers while its input is open, so the service would wait forever with its
    /// reads held. `output` is a duplicate of our own, looked at every 200 ms on the event loop.
    static func watchForGoneReader(of output: CInt, channel: any Channel, logger: Logger) -> RepeatedTask {
        channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { task in
            guard channel.isActive else { return task.cancel() }
            var entry = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
            guard poll(&entry, 1, 0) == 1, entry.revents & Int16(POLLERR | POLLHUP) != 0 else { return }
            logger.debug("standard output's reader went away: nothing more is read or answered")
            task.cancel()
            channel.close(promise: nil)
        }
    }

    /// The pipe channel's settings and handler: one `ConnectionHandler`, as for a TCP client.
    static func bootstrap(group: any EventLoopGroup, worker: AdmitWorker, limits: ServiceLimits, logger: Logger) -> NIOPipeBootstrap {
        NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)  // end of input: answer, then close
            .channelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .channelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 256 * 1024)
            )
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(worker: worker, limits: limits, logger: logger, transport: .stdio))
                }
            }
    }
}
