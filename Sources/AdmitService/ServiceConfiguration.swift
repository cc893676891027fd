/// How `admit serve` runs: where, with which limits and which token.
public struct ServiceConfiguration: Sendable {
    /// TCP address to listen on; nil serves standard input and output.
    public var listen: ListenAddress?
    public var limits: ServiceLimits
    /// The bearer token for mutating methods over TCP; without one they are refused.
    public var token: BearerToken?

    public init(listen: ListenAddress? = nil, limits: ServiceLimits = ServiceLimits(), token: BearerToken? = nil) {
        self.listen = listen
        self.limits = limits
        self.token = token
    }

    /// Checks the limits, and that a non-loopback listener has a token (else anyone on the
    /// network could read every decision).
    public func validate() throws(ServiceError) {
        try limits.validate()
        if let listen, !listen.isLoopback, token == nil {
            throw .configuration("--listen \(listen) is not a loopback address: give --token-file, or listen on 127.0.0.1")
        }
    }
}
