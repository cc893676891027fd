/// How `admit serve` runs: where, with which limits and which token.
public struct ServiceConfiguration: Sendable {
    /// TCP address to listen on; nil serves standard input and output.
    public var listen: ListenAddress?
    public var limits: ServiceLimits
    /// The bearer token for mutating methods over TCP; without one they are refused.
    public var token: BearerToken?
    /// The certificate and key for TLS over TCP; nil speaks plain text.
    public var tls: TLSFiles?
    /// Whether plain text is accepted on an address other than loopback (`--insecure`).
    public var insecure: Bool

    public init(
        listen: ListenAddress? = nil, limits: ServiceLimits = ServiceLimits(), token: BearerToken? = nil, tls: TLSFiles? = nil,
        insecure: Bool = false
    ) {
        self.listen = listen
        self.limits = limits
        self.token = token
        self.tls = tls
        self.insecure = insecure
    }

    /// Checks the limits, and that a non-loopback listener has a token (else anyone on the
    /// network could read every decision) and TLS (else the token and every reply cross the
    /// network in clear text) unless `insecure`.
    public func validate() throws(ServiceError) {
        try limits.validate()
        if tls != nil, listen == nil { throw .configuration("--tls-cert and --tls-key are for --listen (TCP), not stdio") }
        if let listen, !listen.isLoopback, token == nil {
            throw .configuration("--listen \(listen) is not a loopback address: give --token-file, or listen on 127.0.0.1")
        }
        if let listen, !listen.isLoopback, tls == nil, !insecure {
            throw .configuration(
                "--listen \(listen) is not a loopback address: without TLS the token and every reply cross the network in clear "
                    + "text; give --tls-cert and --tls-key, or --insecure to accept that (behind a proxy that does TLS)")
        }
    }
}
