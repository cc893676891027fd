import AdmitDomain
import Foundation

/// Where "now" comes from: the system clock in production, a fixed or stepped one in tests.
public protocol InstantClock: Sendable {
    /// The current instant.
    func now() -> Instant
}

/// The system's real-time clock, to the millisecond.
public struct SystemClock: InstantClock {
    public init() {}

    public func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that always says the same instant.
public struct FixedClock: InstantClock {
    public let instant: Instant
    public init(_ instant: Instant) { self.instant = instant }
    public func now() -> Instant { instant }
}
