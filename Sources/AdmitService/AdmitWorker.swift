import Admit
import Logging
import NIOCore
import NIOPosix

/// The one thread on which all Admit work runs.
///
/// `Admission` and its SQLite store are not thread-safe, and SQLite blocks; so the calls of
/// every read of every connection run here, one read at a time, in the order they were handed in, and no
/// event loop ever waits for the database. A connection's reads are handed in in order, so its
/// replies come back in order.
final class AdmitWorker: @unchecked Sendable {
    // Safety: `dispatcher` is touched only by closures that run on `pool`, which has exactly one
    // thread, and by `shutdown()` after that thread has ended.
    private let dispatcher: Dispatcher
    private let pool: NIOThreadPool

    init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
        do {
            // Commits must not wait for checkpoints' disk syncs: a thread of the store does them.
            try dispatcher.admission.checkpointInBackground()
        } catch {
            dispatcher.logger.warning("checkpoints stay on the writer", metadata: ["error": "\(error)"])
        }
        do {
            // A check then reads no SQL: every user's facts are held here and kept current from the log.
            let started = ContinuousClock.now
            let held = try dispatcher.admission.holdFactsInMemory()
            dispatcher.logger.info(
                "facts held in memory",
                metadata: [
                    "users": "\(held.users)", "seconds": "\((ContinuousClock.now - started).seconds)",
                    "bytesPerUser": "\(Int(held.bytesPerUser))",
                ])
        } catch {
            dispatcher.logger.warning("facts are read from the database for each check", metadata: ["error": "\(error)"])
        }
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// The worker of a service with `configuration`; it takes over `admission`.
    convenience init(admission: sending Admission, configuration: ServiceConfiguration, logger: Logger) {
        self.init(dispatcher: Dispatcher(admission: admission, limits: configuration.limits, token: configuration.token, logger: logger))
    }

    /// Runs the calls of one read from `peer`; what they came to arrives on `loop`.
    func run(_ calls: [Call], from peer: Peer, on loop: any EventLoop) -> EventLoopFuture<[Dispatcher.Answer]> {
        pool.runIfActive(eventLoop: loop) {
            self.dispatcher.run(calls, from: peer)
        }
    }

    /// Answers everything handed in so far, then stops the thread and closes the database.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
        dispatcher.admission.close()
    }
}
