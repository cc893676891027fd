import Admit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `admit serve`: the JSON-lines protocol over standard input and output.
///
/// A reader thread reads standard input in chunks of up to 64 KiB, frames and parses them and
/// hands each chunk's calls to the `AdmitWorker`; a writer thread renders the replies of each
/// chunk, in order, and writes them with one write. Standard input may be a pipe, a socket, a
/// terminal or a regular file. Writing blocks while the client does not read; then at most four
/// chunks wait and no more input is read: memory stays bounded.
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
        worker = AdmitWorker(admission: admission, configuration: configuration, logger: logger)
    }

    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let finished = group.next().makePromise(of: Void.self)
        let pending = PendingReads(capacity: 4)
        let reader = StdioReader(
            input: input, wakeup: wakeup, worker: worker, limits: limits, pending: pending, logger: logger)
        let writer = StdioWriter(output: output, pending: pending, logger: logger)
        let readingThread = Thread { reader.run() }
        readingThread.name = "admit-stdin"
        let writingThread = Thread {
            writer.run()  // returns once the reader has stopped and every reply is written
            finished.succeed()
        }
        writingThread.name = "admit-stdout"
        writingThread.start()
        readingThread.start()
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

/// A read handed to the worker: its calls and slots, and what the calls will come to.
typealias PendingRead = (read: RequestReader.Read, answers: AnswerSlot)

/// Where the worker leaves a read's answers for the writer thread, which waits for them.
final class AnswerSlot: @unchecked Sendable {
    // Safety: `answers` is guarded by `condition`.
    private let condition = NSCondition()
    private var answers: [Dispatcher.Answer]?

    func fill(_ answers: [Dispatcher.Answer]) {
        condition.lock()
        self.answers = answers
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> [Dispatcher.Answer] {
        condition.lock()
        defer { condition.unlock() }
        while answers == nil { condition.wait() }
        return answers ?? []
    }
}

/// The reads between the stdio reader and writer threads: first in, first out, at most
/// `capacity`, so the reader waits when the writer (that is, the client reading its replies)
/// falls behind.
final class PendingReads: @unchecked Sendable {
    // Safety: every property is guarded by `condition`.
    private let condition = NSCondition()
    private var items: [PendingRead] = []
    private var closed = false
    private var broken = false
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Appends a read, waiting while the queue is full.
    func push(_ item: PendingRead) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, !broken { condition.wait() }
        items.append(item)
        condition.broadcast()
    }

    /// The oldest read, waiting for one; nil once the queue is closed and empty.
    func pop() -> PendingRead? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// No more reads will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Standard output is gone: the reader should stop.
    var isBroken: Bool {
        condition.lock()
        defer { condition.unlock() }
        return broken
    }

    func markBroken() {
        condition.lock()
        broken = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The reading side of `StdioService`, on its own thread: reads, frames, parses and hands each
/// chunk to the worker, never waiting for replies (the writer thread does).
struct StdioReader: Sendable {
    let input: CInt
    let wakeup: WakeupPipe
    let worker: AdmitWorker
    let limits: ServiceLimits
    let pending: PendingReads
    let logger: Logger

    func run() {
        defer { pending.close() }
        var requests = RequestStream(limits: limits)
        var chunk = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        while !pending.isBroken {
            guard waitForInput() else { return }
            chunk.clear()
            var count = 0
            _ = chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { buffer in
                count = Foundation.read(input, buffer.baseAddress, buffer.count)
                return max(count, 0)  // a failed read adds no bytes
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                logger.error("cannot read standard input", metadata: ["errno": "\(errno)"])
                return
            }
            if count == 0 {
                requests.finish()
            } else {
                requests.append(&chunk)
            }
            if let read = requests.take() {
                let slot = AnswerSlot()
                worker.run(read.calls, from: .stdio) { slot.fill($0) }
                pending.push((read, slot))
            }
            if count == 0 { return }
        }
    }

    /// Waits until standard input has bytes (or its end); false when the service is asked to stop.
    private func waitForInput() -> Bool {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.readEnd, events: Int16(POLLIN), revents: 0)]
        while true {
            let result = poll(&fds, 2, -1)
            if result < 0 {
                if errno == EINTR { continue }
                return true  // let read() report the problem
            }
            return fds[1].revents == 0
        }
    }
}

/// The writing side of `StdioService`, on its own thread: waits for each chunk's answers in
/// order, renders them and writes them with one write per chunk.
struct StdioWriter: Sendable {
    let output: CInt
    let pending: PendingReads
    let logger: Logger

    func run() {
        var replies = ReplyWriter()
        var out = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        var open = true
        while let next = pending.pop() {
            let answers = next.answers.wait()
            guard open else { continue }  // keep draining, so the reader is never stuck on a full queue
            out.clear()
            replies.write(next.read, answers: answers, into: &out)
            if !write(out) {
                open = false
                pending.markBroken()
            }
        }
    }

    /// Writes all of `bytes`; false once standard output is closed.
    private func write(_ bytes: ByteBuffer) -> Bool {
        bytes.withUnsafeReadableBytes { buffer in
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
