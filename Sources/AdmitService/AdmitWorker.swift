import NIOCore
import NIOPosix

/// The one thread on which all Admit work runs.
///
/// `Admission` and its SQLite store are not thread-safe, and SQLite blocks; so every read of
/// every connection is answered here, one at a time, in the order they were handed in, and no
/// event loop ever waits for the database. A connection's reads are handed in in order, so its
/// replies come back in order.
final class AdmitWorker: @unchecked Sendable {
    // Safety: `dispatcher` is touched only by closures that run on `pool`, which has exactly one
    // thread, and by `shutdown()` after that thread has ended.
    private let dispatcher: Dispatcher
    private let pool: NIOThreadPool

    init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// Answers the frames of one read from `peer`; the reply lines arrive on `loop`.
    func answer(_ frames: [LineFramer.Frame], from peer: Peer, on loop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        pool.runIfActive(eventLoop: loop) {
            var out = ByteBufferAllocator().buffer(capacity: frames.count * 600)
            self.dispatcher.answer(frames, from: peer, into: &out)
            return out
        }
    }

    /// Answers everything handed in so far, then stops the thread and closes the database.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
        dispatcher.admission.close()
    }
}
