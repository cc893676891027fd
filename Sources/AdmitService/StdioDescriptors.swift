import Foundation
import Logging
import NIOConcurrencyHelpers

/// Standard input and output as descriptors NIO can wait on, owned by the service.
///
/// NIO waits with epoll, which takes pipes, sockets and terminals but refuses regular files and
/// `/dev/null` (`NIOPipeBootstrap` rejects regular files itself; `/dev/null` fails with `EPERM`).
/// A descriptor NIO can wait on is duplicated (the channel closes the duplicate; the caller's
/// stays open, and its file status flags are restored at the end, since NIO makes the shared
/// open file non-blocking). Any other is relayed through a new pipe by a thread that copies with
/// blocking reads and writes: `admit serve < requests.jsonl > replies.jsonl` works as before.
final class StdioDescriptors: Sendable {
    /// The descriptors to hand to NIO.
    let input: CInt
    let output: CInt
    /// A duplicate of a pipe, socket or terminal output of our own (NIO's may be closed under
    /// it), to look whether its reader has gone away; nil for a relayed output.
    let outputWatch: CInt?
    /// The caller's descriptors whose flags to restore, with the flags.
    private let restore: [(descriptor: CInt, flags: CInt)]
    /// Done when the output relay (if any) has written everything NIO wrote to its pipe.
    private let relayed: NIOLockedValueBox<RelayState>

    private struct RelayState {
        var done = true
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(input callerInput: CInt, output callerOutput: CInt, logger: Logger) throws(ServiceError) {
        var restore: [(descriptor: CInt, flags: CInt)] = []
        let relayed = NIOLockedValueBox(RelayState())
        self.relayed = relayed
        // Every descriptor is made before any relay starts: a failure on the output side then
        // leaves no thread copying the input. What was made before a failure is closed.
        var made: [CInt] = []
        func keep(_ descriptor: CInt) -> CInt {
            made.append(descriptor)
            return descriptor
        }
        var inputRelay: (source: CInt, target: CInt)?
        var outputRelay: (source: CInt, target: CInt)?
        do throws(ServiceError) {
            if Self.canPoll(callerInput) {
                input = keep(try Self.duplicate(callerInput))
                Self.enlargePipe(input)
            } else {
                let (readEnd, writeEnd) = try Self.makePipe()
                input = keep(readEnd)
                _ = keep(writeEnd)
                // A duplicate: the caller may close its own meanwhile.
                inputRelay = (keep(try Self.duplicate(callerInput)), writeEnd)
            }
            if Self.canPoll(callerOutput) {
                output = keep(try Self.duplicate(callerOutput))
                outputWatch = keep(try Self.duplicate(callerOutput))
                Self.enlargePipe(output)
            } else {
                let (readEnd, writeEnd) = try Self.makePipe()
                _ = keep(readEnd)
                output = keep(writeEnd)
                outputWatch = nil
                outputRelay = (readEnd, keep(try Self.duplicate(callerOutput)))
            }
        } catch {
            for descriptor in made { close(descriptor) }
            throw error
        }
        if inputRelay == nil { restore.append((callerInput, fcntl(callerInput, F_GETFL))) }
        if outputRelay == nil { restore.append((callerOutput, fcntl(callerOutput, F_GETFL))) }
        if let (source, target) = inputRelay {
            Self.startRelay(named: "admit-stdin-relay", from: source, to: target, logger: logger) {}
        }
        if let (source, target) = outputRelay {
            relayed.withLockedValue { $0.done = false }
            Self.startRelay(named: "admit-stdout-relay", from: source, to: target, logger: logger) {
                let waiters = relayed.withLockedValue { state in
                    state.done = true
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
            }
        }
        self.restore = restore
    }

    /// After the channel has closed: waits until every reply is relayed, then gives the caller's
    /// descriptors back their flags.
    func finish() async {
        await withCheckedContinuation { continuation in
            let done = relayed.withLockedValue { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
        if let outputWatch { close(outputWatch) }
        for (descriptor, flags) in restore where flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags) }
    }

    /// Whether epoll can wait on `descriptor`: a pipe, a socket or a terminal.
    static func canPoll(_ descriptor: CInt) -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFIFO, S_IFSOCK: return true
        case S_IFCHR: return isatty(descriptor) == 1
        default: return false
        }
    }

    private static func duplicate(_ descriptor: CInt) throws(ServiceError) -> CInt {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw .transport("cannot use file descriptor \(descriptor) (errno \(errno))") }
        return copy
    }

    private static func makePipe() throws(ServiceError) -> (readEnd: CInt, writeEnd: CInt) {
        var ends: [CInt] = [0, 0]
        guard pipe(&ends) == 0 else { throw .transport("cannot create a pipe (errno \(errno))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        enlargePipe(ends[1])
        return (ends[0], ends[1])
    }

    /// Asks for a 1 MiB buffer when `descriptor` is a pipe (Linux; the default is 64 KiB, less
    /// than the replies to one read): fewer partial writes and wake-ups on both sides. Where it
    /// is refused (not a pipe, over `/proc/sys/fs/pipe-max-size`) the buffer stays as it was.
    private static func enlargePipe(_ descriptor: CInt) {
        #if os(Linux)
            let setPipeSize: CInt = 1031  // F_SETPIPE_SZ
            _ = fcntl(descriptor, setPipeSize, 1 << 20)
        #endif
    }

    /// Copies `source` to `target` on a thread of its own until the end of `source` or an error
    /// (the other side gone), then closes both and calls `done`.
    private static func startRelay(
        named name: String, from source: CInt, to target: CInt, logger: Logger, done: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            defer {
                close(source)
                close(target)
                done()
            }
            let size = 256 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = read(source, buffer, size)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    if count < 0 { logger.error("cannot read", metadata: ["relay": "\(name)", "errno": "\(errno)"]) }
                    return
                }
                var offset = 0
                while offset < count {
                    let written = write(target, buffer + offset, count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // the other side is gone (the channel closed, or output closed)
                    }
                    offset += written
                }
            }
        }
        thread.name = name
        thread.start()
    }
}
