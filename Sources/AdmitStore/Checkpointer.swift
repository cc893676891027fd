import Foundation
import SQLite

/// Copies the write-ahead log back into the database file from its own connection and thread,
/// so that the writer never waits for a checkpoint's disk syncs.
///
/// SQLite checkpoints after a commit once the WAL passes 1,000 pages, on the committing
/// connection: that connection then waits for two `fsync`s, tens of milliseconds on an ordinary
/// disk. A long-running writer (the service) instead calls `Store.disableAutomaticCheckpoints()`
/// and starts a `Checkpointer`: every `interval` it runs a passive checkpoint, which copies what
/// it can without taking the write lock. Should the WAL still grow past `maxWALPages` (the disk
/// cannot keep up), it runs a restart checkpoint, which makes the writer wait until the WAL
/// is copied: backpressure instead of an unbounded file. `stop()` checkpoints everything and
/// truncates the WAL.
public final class Checkpointer: @unchecked Sendable {
    // Safety: `connection` is used only by the checkpointing thread, and by `stop()` after that
    // thread has ended; `stopping` and `stopped` are guarded by `condition`.
    private let connection: Connection
    private let path: String
    private let interval: Duration
    private let maxWALPages: Int
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false
    private var thread: Thread?

    /// Opens a second connection to the database at `path` (which must exist and be in WAL mode).
    public init(path: String, interval: Duration = .milliseconds(250), maxWALPages: Int = 262_144, busyTimeout: Duration = .seconds(5))
        throws(StoreError)
    {
        self.path = path
        self.interval = interval
        self.maxWALPages = maxWALPages
        do {
            connection = try Connection(path: path, mode: .readWrite(create: false), busyTimeout: busyTimeout)
        } catch {
            throw StoreError(error)
        }
    }

    /// Starts checkpointing on a thread of its own.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "admit-checkpointer"
        self.thread = thread
        thread.start()
    }

    /// Stops the thread, then checkpoints the whole WAL and truncates it.
    public func stop() throws(StoreError) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while thread != nil && !stopped { condition.wait() }
        condition.unlock()
        defer { connection.close() }
        do { try connection.walCheckpoint(.truncate) } catch { throw StoreError(error) }
    }

    private func loop() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
            let done = stopping
            condition.unlock()
            if done { break }
            do {
                let result = try connection.walCheckpoint(.passive)
                if result.walFrames > maxWALPages {
                    try connection.walCheckpoint(.restart)
                }
            } catch {
                // Busy or interrupted: try again at the next tick.
            }
        }
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

extension Store {
    /// Stops this connection from checkpointing the WAL after its own commits
    /// (`PRAGMA wal_autocheckpoint=0`); a `Checkpointer` on another thread does it instead.
    public func disableAutomaticCheckpoints() throws(StoreError) {
        try run { try connection.execute("PRAGMA wal_autocheckpoint=0") }
    }
}
