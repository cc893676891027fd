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
        let pending = start(operation)
        pending.done.wait()
        return try pending.result.withLock { $0! }.get()
    }

    /// Runs `operation` and returns its result, or throws ``TimedOut`` after `timeout` and leaves
    /// it to end on its own (it holds nothing of the caller's).
    package func run<T: Sendable>(timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let pending = start(operation)
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard pending.done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { throw TimedOut(after: timeout) }
        return try pending.result.withLock { $0! }.get()
    }

    /// An operation that did not end in time.
    struct TimedOut: Error, CustomStringConvertible {
        let after: Duration
        var description: String { "no answer from the server in \(after.components.seconds) s" }
    }

    /// A started operation: its result once `done` is signalled.
    private final class Pending<T: Sendable, E: Error>: Sendable {
        let result = Mutex<Result<T, E>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private func start<T: Sendable, E: Error>(_ operation: @escaping @Sendable () async throws(E) -> T) -> Pending<T, E> {
        precondition(Thread.current !== thread, "BlockingRunner.run called from its own thread")
        let pending = Pending<T, E>()
        Task(executorPreference: self) {
            let outcome: Result<T, E>
            do throws(E) { outcome = .success(try await operation()) } catch { outcome = .failure(error) }
            pending.result.withLock { $0 = outcome }
            pending.done.signal()
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
