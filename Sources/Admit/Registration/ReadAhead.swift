import Foundation

/// A registration source read on a thread of its own, ahead of the run that applies its rows,
/// so that reading and checking rows (parsing CSV, validating values) overlaps with writing them
/// to the database instead of adding to it.
///
/// The rows come out in the source's order, and an error the source throws comes out where it
/// was thrown, after the rows before it: the run sees exactly what it would see reading the
/// source itself. Memory is bounded: at most `depth` batches of `batchSize` rows wait, besides
/// the batch being applied and the one being read (about 1,500 rows in all). Rows are handed over
/// a batch at a time, so input from a slow pipe reaches the run in steps of 256 rows (or at its
/// end).
///
/// The source is handed over whole: after `init`, only the reading thread touches it (and what
/// `bytes` reads), and it lets go of it before it ends. `bytes` is called on that thread after
/// each batch; `bytesRead` gives the count of the last batch taken, so progress never runs ahead
/// of the rows applied by more than one batch. When the run lets go of the `ReadAhead` (the end,
/// an error, a refusal), the reading thread is told to stop and waited for, up to
/// `stopWait` (a read that blocks, such as a pipe nobody writes to, is not waited out), so that
/// the source is closed, and a package's temporary copy removed, before the caller goes on.
///
/// A class, so that a progress closure can ask `bytesRead` while the run holds the source.
final class ReadAhead: RegistrationSource {
    private let queue: Queue
    private var batch: [RegistrationInput] = []
    private var position = 0
    private var failure: AdmitError?
    private var ended = false

    /// Rows a batch holds, and batches that may wait: enough to keep the database side busy,
    /// small enough to be a few hundred kilobytes.
    static let batchSize = 256
    static let depth = 4
    /// How long letting go waits for the reading thread to end.
    static let stopWait: TimeInterval = 2

    init<Source: RegistrationSource>(_ source: Source, bytes: @escaping () -> Int64) {
        let queue = Queue()
        self.queue = queue
        let handed: any Reading = Handover(source: source, bytes: bytes)
        let thread = Thread { handed.run(into: queue) }
        thread.name = "admit-registration-reader"
        thread.start()
    }

    /// The bytes the source had read when it made the last batch taken.
    var bytesRead: Int64 { queue.bytesTaken }

    deinit {
        queue.stopAndWait(seconds: Self.stopWait)
    }

    func next() throws(AdmitError) -> RegistrationInput? {
        while position == batch.count {
            if let failure {
                self.failure = nil
                ended = true
                throw failure
            }
            if ended { return nil }
            let taken = queue.take()
            batch = taken.rows
            position = 0
            failure = taken.failure
            ended = taken.last
        }
        defer { position += 1 }
        return batch[position]
    }

    /// One handover from the reading thread.
    private struct Batch {
        var rows: [RegistrationInput]
        var bytes: Int64
        var failure: AdmitError?
        /// No batch follows (the end of the input, or a failure).
        var last: Bool
    }

    /// The bounded queue between the reading thread and the run.
    private final class Queue: @unchecked Sendable {
        // Every stored property is guarded by `condition`.
        private let condition = NSCondition()
        private var waiting: [Batch] = []
        private var stopped = false
        private var finished = false
        private var taken: Int64 = 0

        var bytesTaken: Int64 {
            condition.lock()
            defer { condition.unlock() }
            return taken
        }

        /// Adds a batch, waiting while `depth` wait; false when the run has stopped reading.
        func put(_ batch: Batch) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while waiting.count >= ReadAhead.depth && !stopped { condition.wait() }
            if stopped { return false }
            waiting.append(batch)
            condition.broadcast()
            return true
        }

        func take() -> Batch {
            condition.lock()
            defer { condition.unlock() }
            while waiting.isEmpty { condition.wait() }
            let batch = waiting.removeFirst()
            taken = batch.bytes
            condition.broadcast()
            return batch
        }

        /// Tells the reading thread to stop (it does at its next batch) and waits for it to end,
        /// at most `seconds`.
        func stopAndWait(seconds: TimeInterval) {
            condition.lock()
            defer { condition.unlock() }
            stopped = true
            waiting = []
            condition.broadcast()
            let deadline = Date(timeIntervalSinceNow: seconds)
            while !finished && condition.wait(until: deadline) {}
        }

        /// Called by the reading thread as it ends, after letting go of the source.
        func readerFinished() {
            condition.lock()
            defer { condition.unlock() }
            finished = true
            condition.broadcast()
        }

        var isStopped: Bool {
            condition.lock()
            defer { condition.unlock() }
            return stopped
        }
    }

    /// What the reading thread runs (not generic, so that the thread's closure captures no
    /// type that is not `Sendable`).
    private protocol Reading: Sendable {
        func run(into queue: Queue)
    }

    /// The source on its way to the reading thread, which owns it from then on.
    private final class Handover<Source: RegistrationSource>: Reading, @unchecked Sendable {
        /// nil once the thread has let go of it.
        private var source: Source?
        private let bytes: () -> Int64

        init(source: Source, bytes: @escaping () -> Int64) {
            self.source = source
            self.bytes = bytes
        }

        func run(into queue: Queue) {
            if var source {
                self.source = nil
                read(&source, into: queue)
            }  // the source is let go of here, before the run is told
            queue.readerFinished()
        }

        private func read(_ source: inout Source, into queue: Queue) {
            var rows: [RegistrationInput] = []
            rows.reserveCapacity(ReadAhead.batchSize)
            while !queue.isStopped {
                do {
                    while rows.count < ReadAhead.batchSize, let row = try source.next() { rows.append(row) }
                } catch {
                    _ = queue.put(Batch(rows: rows, bytes: bytes(), failure: error, last: true))
                    return
                }
                let last = rows.count < ReadAhead.batchSize
                guard queue.put(Batch(rows: rows, bytes: bytes(), failure: nil, last: last)), !last else { return }
                rows = []
                rows.reserveCapacity(ReadAhead.batchSize)
            }
        }
    }
}
