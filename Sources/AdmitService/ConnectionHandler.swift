import Logging
import NIOCore
import NIOExtras

/// One TCP client: frames its bytes into lines, hands each read to the worker, writes the
/// replies back in order, one write per read.
///
/// Backpressure: it asks the socket for more only while fewer than `maxReadsInFlight` reads
/// wait for the worker and the socket's send buffer is below its high-water mark, so a client
/// that sends without reading its replies is simply not read from; memory per connection stays
/// at most a line, the reads in flight and the send buffer.
///
/// A client that half-closes (shuts down its sending side) gets its last, unterminated line
/// answered too; one that disconnects loses its unterminated line (it is not a request). On
/// `ChannelShouldQuiesceEvent` (graceful shutdown) it stops taking requests, answers what it has
/// read, then shuts down its sending side (the client sees the end of the replies) and reads and
/// drops whatever the client still sends until the client closes or `drainTimeout` passes.
/// Closing outright with unread input would make the kernel reset the connection and drop
/// replies not yet sent.
///
/// Idle clients: when no complete line has arrived and no reply has been written for
/// `idleTimeout`, while nothing of the client's is being answered, the client gets one error line
/// and its connection is closed the same way. A partial line does not count, so a client that
/// trickles a line a byte at a time is closed too.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Reads handed to the worker and not yet answered, at most.
    static let maxReadsInFlight = 2
    /// How long a shutting-down connection waits for the client to close after the last reply.
    static let drainTimeout = TimeAmount.seconds(5)
    /// How long a timed-out connection waits for the client to close after the error line.
    static let idleDrainTimeout = TimeAmount.seconds(1)

    /// Whether requests are still taken.
    private enum State {
        case open
        /// The client shut down its sending side: answer what was read, then close.
        case inputEnded
        /// Graceful shutdown: answer what was read, then stop sending and drain the input.
        case quiescing
        /// Idle too long: told so, sending side shut down; drain the input until closed.
        case timedOut
    }

    private let worker: AdmitWorker
    private let logger: Logger
    private var requests: RequestStream
    private var replies = ReplyWriter()
    private var peer = Peer(transport: .tcp(isLoopback: false), actor: "service:tcp:unknown")
    private var inFlight = 0
    /// A `read` the pipeline asked for and this handler held back.
    private var readHeld = false
    private var state = State.open
    private var outputClosed = false
    private var drainTimer: Scheduled<Void>?
    private var lastWrite: EventLoopFuture<Void>?
    private let idleTimeout: TimeAmount
    private let idleTimeoutMilliseconds: Int64
    /// When the client last completed a line or a reply was last written.
    private var lastProgress = NIODeadline.now()
    private var idleTimer: Scheduled<Void>?

    init(worker: AdmitWorker, limits: ServiceLimits, logger: Logger) {
        self.worker = worker
        self.logger = logger
        requests = RequestStream(limits: limits)
        idleTimeoutMilliseconds = limits.idleTimeoutMilliseconds
        idleTimeout = .milliseconds(idleTimeoutMilliseconds)
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = Self.peer(of: context.channel.remoteAddress)
        logger.debug("client connected", metadata: ["peer": "\(peer.actor)"])
        lastProgress = .now()
        scheduleIdleCheck(context: context, at: lastProgress + idleTimeout)
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
        guard case .open = state else { return }  // drained and dropped
        var buffer = unwrapInboundIn(data)
        requests.append(&buffer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        submit(context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            switch state {
            case .open:
                requests.finish()
                submit(context: context)
                state = .inputEnded
                closeIfDone(context: context)
            case .quiescing:
                state = .inputEnded  // the client is done too: close as soon as the replies are out
                closeIfDone(context: context)
            case .inputEnded:
                break
            case .timedOut:
                context.close(promise: nil)
            }
        } else if event is ChannelShouldQuiesceEvent {
            guard case .open = state else { return }
            // Lines already complete are answered; a line still arriving is not a request yet.
            submit(context: context)
            requests.discard()
            state = .quiescing
            closeIfDone(context: context)
            context.read()  // drain
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        switch state {
        case .inputEnded: return
        case .quiescing, .timedOut:
            context.read()  // drain what the client still sends, so that closing does not reset
            return
        case .open: break
        }
        if inFlight >= Self.maxReadsInFlight || !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context: context)
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["peer": "\(peer.actor)", "error": "\(error)"])
        context.close(promise: nil)
    }

    /// Hands the lines framed so far to the worker.
    private func submit(context: ChannelHandlerContext) {
        guard case .open = state, let read = requests.take() else { return }
        lastProgress = .now()
        inFlight += 1
        worker.run(read.calls, from: peer, on: context.eventLoop).assumeIsolated().whenComplete { result in
            self.inFlight -= 1
            switch result {
            case .success(let answers):
                var out = context.channel.allocator.buffer(capacity: read.slots.count * 600)
                self.replies.write(read, answers: answers, into: &out)
                if out.readableBytes > 0, context.channel.isActive {
                    let write = context.writeAndFlush(self.wrapOutboundOut(out))
                    write.assumeIsolated().whenSuccess { self.lastProgress = .now() }
                    self.lastWrite = write
                }
            case .failure(let error):
                self.logger.error("the worker could not answer", metadata: ["peer": "\(self.peer.actor)", "error": "\(error)"])
                context.close(promise: nil)
            }
            self.resumeReading(context: context)
            self.closeIfDone(context: context)
        }
    }

    private func resumeReading(context: ChannelHandlerContext) {
        guard readHeld, case .open = state, inFlight < Self.maxReadsInFlight, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }

    /// Once every reply is written: closes the connection whose client ended its input, or,
    /// shutting down, shuts down the sending side and closes after the client does (or after
    /// `drainTimeout`).
    private func closeIfDone(context: ChannelHandlerContext) {
        guard inFlight == 0, context.channel.isActive else { return }
        let written = lastWrite ?? context.eventLoop.makeSucceededVoidFuture()
        switch state {
        case .open, .timedOut:
            return
        case .inputEnded:
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .quiescing:
            guard !outputClosed else { return }
            outputClosed = true
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
        guard case .open = state, context.channel.isActive else { return }
        let now = NIODeadline.now()
        // While a request of its is answered the client waits for the service, not the other way.
        if inFlight > 0 { lastProgress = now }
        guard now - lastProgress >= idleTimeout else {
            return scheduleIdleCheck(context: context, at: lastProgress + idleTimeout)
        }
        logger.info("closing an idle connection", metadata: ["peer": "\(peer.actor)", "timeout": "\(idleTimeoutMilliseconds) ms"])
        state = .timedOut
        requests.discard()
        let line = context.channel.allocator.buffer(bytes: Reply.errorLine(.idleTimeout(milliseconds: idleTimeoutMilliseconds)))
        // A client that reads nothing may never take the line: it is closed soon anyway.
        drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.idleDrainTimeout) { context.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(line)).assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
        context.read()  // drain
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
