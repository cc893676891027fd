import Foundation
import Synchronization

/// Runs the PostgreSQL store's async operations for Admit's synchronous use cases: the caller's
/// thread waits while the operation runs as a task on a thread of this runner's own.
///
/// The task runs on that thread (a `TaskExecutor`), not on Swift's shared concurrency pool, so a
/// caller that is itself on the pool (an async test, a command's `run`) cannot starve it: on two
/// cores the pool has two threads, and two waiting callers would otherwise hold both.
final class BlockingRunner: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread: Thread?

    init(name: String) {
        let thread = Thread { self.work() }  // holds the runner until `stop()` lets the thread end
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Runs `operation` to its end and returns its result. Call from a thread that is not this
    /// runner's (an operation must not call `run`). The operation is released before this returns,
    /// so it may use what the caller lends it only for the call (`withoutActuallyEscaping`).
    func run<T: Sendable, E: Error>(_ operation: @escaping @Sendable () async throws(E) -> T) throws(E) -> T {
        precondition(Thread.current !== thread, "BlockingRunner.run called from its own thread")
        let result = Mutex<Result<T, E>?>(nil)
        let held = Mutex<(@Sendable () async throws(E) -> T)?>(operation)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: self) {
            if let operation = held.withLock({ $0.take() }) {
                let outcome: Result<T, E>
                do throws(E) { outcome = .success(try await operation()) } catch { outcome = .failure(error) }
                result.withLock { $0 = outcome }
            }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// Lets the thread end once the jobs it holds have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func enqueue(_ job: consuming ExecutorJob) {
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
