import Admit

extension Dispatcher {
    /// Why `method` may not run for `peer` with `token`, or nil when it may.
    ///
    /// Standard input is trusted (the peer started the process). Over TCP, mutating methods
    /// need the token; so does every method but `ping` and `version` when the peer is not on
    /// loopback.
    func authorisation(for method: RPCMethod, token given: String?, from peer: Peer) -> String? {
        guard case .tcp(let isLoopback) = peer.transport else { return nil }
        guard method.isMutating || (!isLoopback && !method.isPublic) else { return nil }
        guard let token else {
            return "'\(method.rawValue)' needs a token over TCP, and this service was started without --token-file"
        }
        guard let given else {
            return "'\(method.rawValue)' needs a token over \(isLoopback ? "TCP" : "a non-loopback connection"): put it in params.token"
        }
        return token.matches(given) ? nil : "the token in params.token is wrong"
    }

    /// Records the refused attempt in the audit log and returns the error to answer with.
    func refuse(_ method: RPCMethod, because reason: String, from peer: Peer) -> RPCError {
        do {
            try admission.recordRefusal(of: method.rawValue, actor: peer.actor, reason: reason)
        } catch {
            logger.error("could not log a refused request", metadata: ["peer": "\(peer.actor)", "error": "\(error)"])
        }
        return RPCError(.unauthorised, "unauthorised: \(reason)", data: ["method": .string(method.rawValue)])
    }
}
