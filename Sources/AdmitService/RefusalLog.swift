import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Logs refused connections at most once a second, with how many were refused since the last
/// line: a flood of connections must not also flood the log.
final class RefusalLog: Sendable {
    /// Why a connection was refused.
    enum Reason: String, Sendable {
        /// `--max-connections` clients were served already.
        case tooManyConnections = "too-many-connections"
        /// `--max-connections-per-peer` clients from the same address were served already.
        case tooManyFromPeer = "too-many-from-peer"
    }

    private struct State {
        var pending: [Reason: Int] = [:]
        var lastLogged: NIODeadline?
        var flushScheduled = false
    }

    static let interval = TimeAmount.seconds(1)
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(logger: Logger) {
        self.logger = logger
    }

    /// Counts one refusal; logs now if no line was written in the last second, else within a second.
    func refused(_ reason: Reason, peer: String, on eventLoop: any EventLoop) {
        let now = NIODeadline.now()
        let (logNow, scheduleAt) = state.withLockedValue { state -> ([Reason: Int]?, NIODeadline?) in
            state.pending[reason, default: 0] += 1
            if let last = state.lastLogged, now - last < Self.interval {
                guard !state.flushScheduled else { return (nil, nil) }
                state.flushScheduled = true
                return (nil, last + Self.interval)
            }
            defer { state.pending = [:] }
            state.lastLogged = now
            return (state.pending, nil)
        }
        if let logNow { write(logNow, peer: peer) }
        if let scheduleAt {
            eventLoop.scheduleTask(deadline: scheduleAt) { self.flush() }
        }
    }

    private func flush() {
        let pending = state.withLockedValue { state -> [Reason: Int] in
            defer {
                state.pending = [:]
                state.flushScheduled = false
                state.lastLogged = .now()
            }
            return state.pending
        }
        if !pending.isEmpty { write(pending, peer: nil) }
    }

    private func write(_ counts: [Reason: Int], peer: String?) {
        var metadata: Logger.Metadata = ["refused": "\(counts.values.reduce(0, +))"]
        for (reason, count) in counts { metadata[reason.rawValue] = "\(count)" }
        if let peer { metadata["peer"] = "\(peer)" }
        logger.warning("connections refused", metadata: metadata)
    }
}
