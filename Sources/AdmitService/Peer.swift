/// Who is on the other end of a connection, as far as authorisation and the audit log care.
public struct Peer: Sendable, Hashable {
    /// How the peer reaches the service.
    public enum Transport: Sendable, Hashable {
        /// Standard input and output: the peer is whoever started the process.
        case stdio
        /// A TCP connection; `isLoopback` when it comes from 127.0.0.0/8 or ::1.
        case tcp(isLoopback: Bool)
    }

    public var transport: Transport
    /// Recorded as the actor of every decision and change made for this peer, e.g.
    /// `service:tcp:127.0.0.1:50312` or `service:stdio`.
    public var actor: String

    public init(transport: Transport, actor: String) {
        self.transport = transport
        self.actor = actor
    }

    public static let stdio = Peer(transport: .stdio, actor: "service:stdio")
}
