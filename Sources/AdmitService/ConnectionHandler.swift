import Logging
import NIOCore
import NIOExtras

/// One client, on TCP or on standard input and output: frames its bytes into lines, hands each
/// read to the worker, writes the replies back in order, one write per read.
///
/// The rules of the connection's life are in `ConnectionState` (events in, actions out); this
/// handler feeds it the channel's events and does what it answers.
///
/// Backpressure: it asks the channel for more only while fewer than `maxReadsInFlight` reads
/// wait for the worker and the channel's send buffer is below its high-water mark, so a client
/// that sends without reading its replies is simply not read from; memory per connection stays
/// at most a line, the reads in flight and the send buffer.
///
/// A client that half-closes (shuts down its sending side), like standard input at its end, gets
/// its last, unterminated line answered too; one that disconnects loses its unterminated line (it
/// is not a request). On `ChannelShouldQuiesceEvent` (graceful shutdown) it stops taking
/// requests and answers what it has read. Then, on TCP, it shuts down its sending side (the
/// client sees the end of the replies) and reads and drops whatever the client still sends until
/// the client closes or `drainTimeout` passes: closing outright with unread input would make the
/// kernel reset the connection and drop replies not yet sent. On stdio it closes.
///
/// Idle TCP clients: when no complete line has arrived and no reply has been written for
/// `idleTimeout`, while nothing of the client's is being answered, the client gets one error line
/// and its connection is closed the same way. A partial line does not count, so a client that
/// trickles a line a byte at a time is closed too.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How a connection reaches the service.
    enum Transport {
        /// A TCP client: its peer from the remote address, an idle timeout, drained at shutdown.
        case tcp
        /// Standard input and output: `Peer.stdio`, no idle timeout, closed at shutdown.
        case stdio
    }

    /// Reads handed to the worker and not yet answered, at most (per TCP client; stdio, the only
    /// client of its process, keeps more in flight).
    static let maxReadsInFlight = 2
    static let maxStdioReadsInFlight = 4
    /// How long a shutting-down connection waits for the client to close after the last reply.
    static let drainTimeout = TimeAmount.seconds(5)
    /// How long a timed-out connection waits for the client to close after the error line.
    static let idleDrainTimeout = TimeAmount.seconds(1)

    private let worker: AdmitWorker
    private let logger: Logger
    private let transport: Transport
    private var requests: RequestStream
    private var replies = ReplyWriter()
    private var peer: Peer
    private var state: ConnectionState
    private var drainTimer: Scheduled<Void>?
    private var lastWrite: EventLoopFuture<Void>?
    private let idleTimeoutMilliseconds: Int64
    private var idleTimer: Scheduled<Void>?

    init(worker: AdmitWorker, limits: ServiceLimits, logger: Logger, transport: Transport = .tcp) {
        self.worker = worker
        self.logger = logger
        self.transport = transport
        requests = RequestStream(limits: limits)
        idleTimeoutMilliseconds = limits.idleTimeoutMilliseconds
        switch transport {
        case .tcp:
            peer = Peer(transport: .tcp(isLoopback: false), actor: "service:tcp:unknown")
            state = ConnectionState(
                maxReadsInFlight: Self.maxReadsInFlight, shutdown: .closeOutputAndDrain,
                idleTimeout: .milliseconds(limits.idleTimeoutMilliseconds))
        case .stdio:
            peer = .stdio
            state = ConnectionState(maxReadsInFlight: Self.maxStdioReadsInFlight, shutdown: .close, idleTimeout: nil)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .tcp = transport { peer = Self.peer(of: context.channel.remoteAddress) }
        logger.debug("client connected", metadata: ["peer": "\(peer.actor)"])
        if let deadline = state.activated(at: .now()) { scheduleIdleCheck(context: context, at: deadline) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        drainTimer?.cancel()
        idleTimer?.cancel()
        requests.discard()
        logger.debug("client disconnected", metadata: ["peer": "\(peer.actor)"])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state.takesRequests else { return }  // drained and dropped
        var buffer = unwrapInboundIn(data)
        requests.append(&buffer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if state.takesRequests { submit(context: context) }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            switch state.inputClosed() {
            case .takeLastLineThenEnd:
                requests.finish()
                submit(context: context)
                end(context: context)
            case .end:
                end(context: context)
            case .close:
                context.close(promise: nil)
            case .none:
                break
            }
        } else if case ChannelEvent.outputClosed = event {
            // NIO reports our own half-close (`close(mode: .output)`, to drain) this way too: then read on.
            guard state.outputClosed() else { return }
            // The replies cannot be written any more (standard output's reader went away): nobody
            // is there to be answered, so nothing more is read or run.
            logger.debug("the client's side for replies closed", metadata: ["peer": "\(peer.actor)"])
            requests.discard()
            context.close(promise: nil)
        } else if event is ChannelShouldQuiesceEvent {
            guard state.quiesce() else { return }
            // Lines already complete are answered; a line still arriving is not a request yet.
            submit(context: context)
            requests.discard()
            end(context: context)
            context.read()  // drain
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        if state.readRequested(isWritable: context.channel.isWritable) { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if state.writabilityChanged(isWritable: context.channel.isWritable) { context.read() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["peer": "\(peer.actor)", "error": "\(error)"])
        context.close(promise: nil)
    }

    /// Hands the lines framed so far to the worker.
    private func submit(context: ChannelHandlerContext) {
        guard let read = requests.take() else { return }
        state.submitted(at: .now())
        worker.run(read.calls, from: peer, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let answers):
                var out = context.channel.allocator.buffer(capacity: read.slots.count * 600)
                self.replies.write(read, answers: answers, into: &out)
                if out.readableBytes > 0, context.channel.isActive {
                    let write = context.writeAndFlush(self.wrapOutboundOut(out))
                    write.assumeIsolated().whenComplete { result in
                        switch result {
                        case .success: self.state.replyWritten(at: .now())
                        // A reply that cannot be written (the reader went away): stop, as for outputClosed.
                        case .failure: context.close(promise: nil)
                        }
                    }
                    self.lastWrite = write
                }
            case .failure(let error):
                // After the client went away (its channel closed, the service stopping) reads still
                // queued are not run: nobody is there to be answered.
                let level: Logger.Level = context.channel.isActive ? .error : .debug
                self.logger.log(level: level, "the worker could not answer", metadata: ["peer": "\(self.peer.actor)", "error": "\(error)"])
                context.close(promise: nil)
            }
            if self.state.answered(isWritable: context.channel.isWritable) { context.read() }
            self.end(context: context)
        }
    }

    /// Once every reply is written: closes the connection whose input ended, or, shutting down,
    /// closes (stdio) or shuts down the sending side and closes after the client does or after
    /// `drainTimeout` (TCP).
    private func end(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let written = lastWrite ?? context.eventLoop.makeSucceededVoidFuture()
        switch state.ending() {
        case .none:
            return
        case .close:
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            // A reply that can never be written (nobody reads any more) must not hold the end.
            drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.drainTimeout) { context.close(promise: nil) }
        case .closeOutputAndDrain:
            written.assumeIsolated().whenComplete { _ in
                context.close(mode: .output, promise: nil)
                self.drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.drainTimeout) { context.close(promise: nil) }
            }
        }
    }

    private func scheduleIdleCheck(context: ChannelHandlerContext, at deadline: NIODeadline) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.checkIdle(context: context) }
    }

    /// Closes the connection if it has been idle for `idleTimeout`; else looks again when it could be.
    private func checkIdle(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch state.checkIdle(at: .now()) {
        case .stop:
            return
        case .checkAgain(let deadline):
            scheduleIdleCheck(context: context, at: deadline)
        case .timedOut:
            logger.info("closing an idle connection", metadata: ["peer": "\(peer.actor)", "timeout": "\(idleTimeoutMilliseconds) ms"])
            requests.discard()
            let line = context.channel.allocator.buffer(bytes: Reply.errorLine(.idleTimeout(milliseconds: idleTimeoutMilliseconds)))
            // A client that reads nothing may never take the line: it is closed soon anyway.
            drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.idleDrainTimeout) { context.close(promise: nil) }
            context.writeAndFlush(wrapOutboundOut(line)).assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
            context.read()  // drain
        }
    }

    /// The peer of a connection from `address`, on loopback or not.
    static func peer(of address: SocketAddress?) -> Peer {
        guard let address else { return Peer(transport: .tcp(isLoopback: false), actor: "service:tcp:unknown") }
        return Peer(transport: .tcp(isLoopback: isLoopback(address)), actor: "service:tcp:\(ListenAddress(address))")
    }

    /// Whether `address` is 127.0.0.0/8, ::1, or ::ffff:127.x.x.x.
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        case .unixDomainSocket:
            return true
        }
    }
}
