import Admit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `admit serve`: the JSON-lines protocol over standard input and output.
///
/// A reader thread reads standard input in chunks of up to 64 KiB, frames them into lines and
/// hands each chunk's lines to the `AdmitWorker`; it writes the replies of one chunk with one
/// write while the worker answers the next. Standard input may be a pipe, a socket, a terminal
/// or a regular file. Writing blocks while the client does not read, and then no more input is
/// read: memory stays bounded.
///
/// End of input, SIGTERM and SIGINT all stop reading; what was read is answered and written
/// before the database is closed. (An unterminated last line counts at end of input, not on a
/// signal.) If standard output is closed, the service stops reading and ends.
public final class StdioService: Service, Sendable {
    private let limits: ServiceLimits
    private let worker: AdmitWorker
    private let logger: Logger
    private let input: CInt
    private let output: CInt
    private let wakeup: WakeupPipe

    /// Takes over `admission`: from now on only the service uses it. `input` and `output` are
    /// file descriptors (standard input and output unless a test passes others).
    public init(
        admission: sending Admission, configuration: ServiceConfiguration, logger: Logger, input: CInt = STDIN_FILENO,
        output: CInt = STDOUT_FILENO
    ) throws(ServiceError) {
        limits = configuration.limits
        self.logger = logger
        self.input = input
        self.output = output
        wakeup = try WakeupPipe()
        worker = AdmitWorker(
            dispatcher: Dispatcher(admission: admission, limits: configuration.limits, token: configuration.token, logger: logger))
    }

    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let finished = group.next().makePromise(of: Void.self)
        let reader = StdioReader(
            input: input, output: output, wakeup: wakeup, worker: worker, loop: group.next(), limits: limits, logger: logger)
        let thread = Thread {
            reader.run()
            finished.succeed()
        }
        thread.name = "admit-stdio"
        thread.start()
        await withGracefulShutdownHandler {
            try? await finished.futureResult.get()
        } onGracefulShutdown: { [wakeup, logger] in
            logger.info("shutting down: no more input is read; answering what was read")
            wakeup.signal()
        }
        try await worker.shutdown()
        try await group.shutdownGracefully()
        wakeup.close()
        logger.info("stopped")
    }
}

/// The blocking loop of `StdioService`, on its own thread.
struct StdioReader: Sendable {
    let input: CInt
    let output: CInt
    let wakeup: WakeupPipe
    let worker: AdmitWorker
    let loop: any EventLoop
    let limits: ServiceLimits
    let logger: Logger

    /// Chunks read and not yet written back, at most (one answered while the next is read).
    static let maxChunksInFlight = 2

    /// A read handed to the worker: its calls and slots, and what the calls will come to.
    private typealias Pending = (read: RequestReader.Read, answers: EventLoopFuture<[Dispatcher.Answer]>)

    func run() {
        var framer = LineFramer(maxLineBytes: limits.maxLineBytes)
        let reader = RequestReader(limits: limits)
        var replies = ReplyWriter()
        var out = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        var frames: [LineFramer.Frame] = []
        var inFlight: [Pending] = []
        var chunk = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        var outputOpen = true
        reading: while outputOpen {
            if !inFlight.isEmpty, !inputIsReady() {
                // Nothing more to read now: answer what was read before waiting, or a client
                // that waits for its replies before sending more would wait for ever.
                for pending in inFlight where outputOpen {
                    outputOpen = write(pending, with: &replies, buffer: &out)
                }
                inFlight.removeAll()
            }
            switch waitForInput() {
            case .stop: break reading
            case .ready: break
            }
            chunk.clear()
            var count = 0
            _ = chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { buffer in
                count = Foundation.read(input, buffer.baseAddress, buffer.count)
                return max(count, 0)  // a failed read adds no bytes
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                logger.error("cannot read standard input", metadata: ["errno": "\(errno)"])
                break
            }
            if count == 0 {
                framer.finish(to: &frames)
            } else {
                framer.append(&chunk, to: &frames)
            }
            if !frames.isEmpty {
                let read = reader.read(frames)
                inFlight.append((read, worker.run(read.calls, from: .stdio, on: loop)))
                frames.removeAll(keepingCapacity: true)
            }
            while inFlight.count >= Self.maxChunksInFlight || (count == 0 && !inFlight.isEmpty) {
                outputOpen = write(inFlight.removeFirst(), with: &replies, buffer: &out) && outputOpen
            }
            if count == 0 { break }
        }
        for pending in inFlight where outputOpen {
            outputOpen = write(pending, with: &replies, buffer: &out)
        }
    }

    private enum Readiness { case ready, stop }

    /// Whether standard input can be read without waiting.
    private func inputIsReady() -> Bool {
        var fd = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0
    }

    /// Waits until standard input has bytes (or its end) or the service is asked to stop.
    private func waitForInput() -> Readiness {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)]
        while true {
            let result = poll(&fds, 2, -1)
            if result < 0 {
                if errno == EINTR { continue }
                return .ready  // let read() report the problem
            }
            if fds[1].revents != 0 { return .stop }
            return .ready
        }
    }

    /// Waits for the answers of one chunk and writes its replies; false once standard output is closed.
    private func write(_ pending: Pending, with replies: inout ReplyWriter, buffer out: inout ByteBuffer) -> Bool {
        let answers: [Dispatcher.Answer]
        do { answers = try pending.answers.wait() } catch {
            logger.error("the worker could not answer", metadata: ["error": "\(error)"])
            return true
        }
        out.clear()
        replies.write(pending.read, answers: answers, into: &out)
        return out.withUnsafeReadableBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(output, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    logger.warning("standard output is closed; no more replies can be written", metadata: ["errno": "\(errno)"])
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
