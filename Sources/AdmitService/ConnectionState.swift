import NIOCore

/// What one connection (a TCP client, or standard input and output) is doing, as a value: events
/// in, actions out.
///
/// `ConnectionHandler` tells it what happened on the channel (a read was asked for, a read was
/// handed to the worker or answered, the input ended, a graceful shutdown began, time passed)
/// and does what it answers (read, hold the read, close, shut the sending side and drain, time
/// out). It does no I/O and reads no clock, so every rule of a connection's life is tested
/// alone (`ConnectionStateTests`).
struct ConnectionState {
    /// Whether requests are still taken.
    enum Phase: Equatable {
        case open
        /// The input ended (the client shut down its sending side, or end of file): answer what
        /// was read, then close.
        case inputEnded
        /// Graceful shutdown: answer what was read, then end as `shutdown` says.
        case quiescing
        /// Idle too long: told so, sending side shut down; drain the input until closed.
        case timedOut
    }

    /// How a connection ends once a graceful shutdown has answered what was read.
    enum Shutdown: Equatable {
        /// Shut down the sending side, then read and drop what the peer still sends until it
        /// closes: a TCP socket closed with unread input is reset, and replies not yet sent are lost.
        case closeOutputAndDrain
        /// Close at once: pipes and files lose nothing when closed with unread input.
        case close
    }

    /// What to do once the replies written so far are out.
    enum Ending: Equatable {
        case none
        case close
        case closeOutputAndDrain
    }

    /// What to do about the end of the input.
    enum InputEndAction: Equatable {
        /// Take the last, unterminated line as a request, hand it in, then see `ending()`.
        case takeLastLineThenEnd
        /// Nothing more to take: see `ending()`.
        case end
        /// Close now (a timed-out connection whose client finally closed).
        case close
        case none
    }

    /// What the idle check found.
    enum IdleCheck: Equatable {
        /// Not idle: look again at this deadline.
        case checkAgain(at: NIODeadline)
        /// Idle too long: the phase is now `timedOut`; tell the client, shut the sending side, drain.
        case timedOut
        /// No longer open: stop checking.
        case stop
    }

    /// Reads handed to the worker and not yet answered, at most.
    let maxReadsInFlight: Int
    let shutdown: Shutdown
    /// How long a client may send no complete line while nothing of its is answered; nil: forever.
    let idleTimeout: TimeAmount?

    private(set) var phase = Phase.open
    /// Reads handed to the worker and not yet answered.
    private(set) var inFlight = 0
    /// A `read` the pipeline asked for and the handler held back.
    private(set) var readHeld = false
    /// The shutdown's ending was given out once.
    private var shutdownEnded = false
    /// The handler was told to shut down the sending side and drain (a shutdown's or an idle
    /// timeout's ending), so the `outputClosed` that follows is that, not the reader gone.
    private(set) var drains = false
    /// When the client last completed a line or a reply was last written.
    private var lastProgress: NIODeadline = .uptimeNanoseconds(0)

    init(maxReadsInFlight: Int, shutdown: Shutdown, idleTimeout: TimeAmount?) {
        self.maxReadsInFlight = maxReadsInFlight
        self.shutdown = shutdown
        self.idleTimeout = idleTimeout
    }

    /// Whether bytes that arrive are framed and requests taken (else they are dropped).
    var takesRequests: Bool { phase == .open }

    /// The connection became active at `now`: when to check first whether it is idle (nil: never).
    mutating func activated(at now: NIODeadline) -> NIODeadline? {
        lastProgress = now
        return idleTimeout.map { now + $0 }
    }

    /// The pipeline asks for a read: whether to pass it on (true) or hold it back (false).
    /// Held while `maxReadsInFlight` reads wait for the worker or the output is not writable, so a
    /// client that sends without reading its replies is simply not read from.
    mutating func readRequested(isWritable: Bool) -> Bool {
        switch phase {
        case .inputEnded:
            return false
        case .quiescing, .timedOut:
            return true  // drain what the client still sends, so that closing does not reset
        case .open:
            guard inFlight < maxReadsInFlight, isWritable else {
                readHeld = true
                return false
            }
            return true
        }
    }

    /// A read of requests (complete lines) was handed to the worker at `now`.
    mutating func submitted(at now: NIODeadline) {
        inFlight += 1
        lastProgress = now
    }

    /// The worker answered a read (its replies are being written): whether to pass on a held read.
    mutating func answered(isWritable: Bool) -> Bool {
        inFlight -= 1
        return resumeReading(isWritable: isWritable)
    }

    /// A reply was written at `now`.
    mutating func replyWritten(at now: NIODeadline) {
        lastProgress = now
    }

    /// The output's writability changed: whether to pass on a held read.
    mutating func writabilityChanged(isWritable: Bool) -> Bool {
        resumeReading(isWritable: isWritable)
    }

    private mutating func resumeReading(isWritable: Bool) -> Bool {
        guard readHeld, phase == .open, inFlight < maxReadsInFlight, isWritable else { return false }
        readHeld = false
        return true
    }

    /// The input ended: the client half-closed its connection, or standard input reached its end.
    mutating func inputClosed() -> InputEndAction {
        switch phase {
        case .open:
            phase = .inputEnded
            return .takeLastLineThenEnd
        case .quiescing:
            phase = .inputEnded  // the client is done too: close as soon as the replies are out
            return .end
        case .inputEnded:
            return .none
        case .timedOut:
            return .close
        }
    }

    /// A graceful shutdown began: true when the handler should hand in the lines already
    /// complete, drop the line still arriving (it is not a request yet), see `ending()` and
    /// read on (to drain).
    mutating func quiesce() -> Bool {
        guard phase == .open else { return false }
        phase = .quiescing
        return true
    }

    /// How to end once the replies written so far are out; `.none` while reads are in flight
    /// or requests are still taken.
    mutating func ending() -> Ending {
        guard inFlight == 0 else { return .none }
        switch phase {
        case .open, .timedOut:
            return .none
        case .inputEnded:
            return .close
        case .quiescing:
            guard !shutdownEnded else { return .none }
            shutdownEnded = true
            guard shutdown == .closeOutputAndDrain else { return .close }
            drains = true
            return .closeOutputAndDrain
        }
    }

    /// Whether the connection has been idle for `idleTimeout` at `now`. While a read of its is
    /// answered the client waits for the service, not the other way, so that is progress too.
    mutating func checkIdle(at now: NIODeadline) -> IdleCheck {
        guard phase == .open, let idleTimeout else { return .stop }
        if inFlight > 0 { lastProgress = now }
        guard now - lastProgress >= idleTimeout else { return .checkAgain(at: lastProgress + idleTimeout) }
        phase = .timedOut
        drains = true
        return .timedOut
    }

    /// The output closed: whether to close the connection now. Yes when the replies cannot be
    /// written any more (standard output's reader went away). No when it is this connection's own
    /// half-close before a drain (NIO reports that as `outputClosed` too): closing then, with the
    /// client's input unread, makes the kernel reset the connection, and the replies it has not
    /// yet received are lost.
    func outputClosed() -> Bool {
        !drains
    }
}
