import Foundation
import Synchronization

/// Runs the PostgreSQL store's async operations for Admit's synchronous use cases: the caller's
/// thread waits while the operation runs as a task on a thread of this runner's own.
///
/// The task runs on that thread (a `TaskExecutor`), not on Swift's shared concurrency pool, so a
/// caller that is itself on the pool (an async test, a command's `run`) cannot starve it: on two
/// cores the pool has two threads, and two waiting callers would otherwise hold both.
package final class BlockingRunner: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread: Thread?

    package init(name: String) {
        let thread = Thread { self.work() }  // holds the runner until `stop()` lets the thread end
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Runs `operation` to its end and returns its result. Call from a thread that is not this
    /// runner's (an operation must not call `run`).
    package func run<T: Sendable, E: Error>(_ operation: @escaping @Sendable () async throws(E) -> T) throws(E) -> T {
        try start(operation).wait()
    }

    /// Runs `operation` and returns its result, or throws ``TimedOut`` after `timeout` and leaves
    /// it to end on its own (it holds nothing of the caller's).
    package func run<T: Sendable>(timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        try start(operation).wait(timeout: timeout)
    }

    /// An operation that did not end in time.
    struct TimedOut: Error, CustomStringConvertible {
        let after: Duration
        var description: String { "no answer from the server in \(after.components.seconds) s" }
    }

    /// A started operation: its result, once it has ended (or was abandoned).
    package final class Pending<T: Sendable, E: Error>: Sendable {
        private let result = Mutex<Result<T, E>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        /// Waits for the operation's end and returns its result.
        package func wait() throws(E) -> T {
            done.wait()
            return try result.withLock { $0! }.get()
        }

        /// Waits at most `timeout` for the operation's end, else throws ``TimedOut`` (it goes on).
        package func wait(timeout: Duration) throws -> T {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { throw TimedOut(after: timeout) }
            return try result.withLock { $0! }.get()
        }

        /// Ends the wait with `error` unless the operation has ended already (it goes on, and its
        /// result is dropped).
        package func abandon(_ error: E) {
            finish(.failure(error))
        }

        /// Sets the result, the first time only, and lets the wait return.
        fileprivate func finish(_ outcome: Result<T, E>) {
            let first = result.withLock { result in
                guard result == nil else { return false }
                result = outcome
                return true
            }
            if first { done.signal() }
        }
    }

    /// Starts `operation` on this runner's thread and returns at once. Call from a thread that is
    /// not this runner's.
    package func start<T: Sendable, E: Error>(_ operation: @escaping @Sendable () async throws(E) -> T) -> Pending<T, E> {
        precondition(Thread.current !== thread, "BlockingRunner.run called from its own thread")
        let pending = Pending<T, E>()
        Task(executorPreference: self) {
            let outcome: Result<T, E>
            do throws(E) { outcome = .success(try await operation()) } catch { outcome = .failure(error) }
            pending.finish(outcome)
        }
        return pending
    }

    /// Lets the thread end once the jobs it holds have run.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty, !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
