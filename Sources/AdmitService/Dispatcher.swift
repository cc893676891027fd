import Admit
import AdmitJSON
import Logging
import NIOCore

/// Runs the requests a connection sent and says what each came to, in order.
///
/// It owns the `Admission`, which is not thread-safe, so a dispatcher is used from one thread
/// only (`AdmitWorker`'s). All connections share it; it gets the calls of one read at a time.
/// Parsing (`RequestReader`) and rendering (`ReplyWriter`) happen on the connection's thread.
///
/// The `check` requests of a read go to Admit's `CheckBatch`, which decides when they are logged
/// (together, in one transaction, and before any other request that reads or writes the store, so
/// the audit log keeps the order in which requests arrived).
final class Dispatcher {
    let admission: Admission
    let limits: ServiceLimits
    let token: BearerToken?
    let logger: Logger

    init(admission: Admission, limits: ServiceLimits, token: BearerToken?, logger: Logger) {
        self.admission = admission
        self.limits = limits
        self.token = token
        self.logger = logger
    }

    /// What a call came to.
    enum Answer: Sendable {
        case check(CheckOutcome)
        case value(JSONValue)
        case failure(RPCError)
    }

    /// Runs the calls in order. Checks wait in a `CheckBatch`, which decides and logs them in
    /// one transaction before a call that reads or writes the store, and at the end.
    func run(_ calls: [Call], from peer: Peer) -> [Answer] {
        var answers = [Answer](repeating: .failure(RPCError(.internalError, "internal error: no answer")), count: calls.count)
        var batch = CheckBatch(admission: admission, actor: peer.actor)
        func decided(_ index: Int, _ result: Result<CheckOutcome, AdmitError>) { answers[index] = answer(result) }
        for (index, call) in calls.enumerated() {
            switch call.body {
            case .invalid(let error):
                answers[index] = .failure(error)
            case .check(let request):
                if let refusal = authorisation(for: .check, token: call.token, from: peer) {
                    // The refusal is logged: the checks before it go first.
                    batch.before(requestTouchingStore: true, decided: decided)
                    answers[index] = .failure(refuse(.check, because: refusal, from: peer))
                } else {
                    batch.add(request, at: index)
                }
            case .method(let method, var params):
                batch.before(requestTouchingStore: method.touchesStore, decided: decided)
                if let refusal = authorisation(for: method, token: call.token, from: peer) {
                    answers[index] = .failure(refuse(method, because: refusal, from: peer))
                    continue
                }
                do {
                    answers[index] = .value(try perform(method, &params, from: peer))
                } catch {
                    answers[index] = .failure(error)
                }
            }
        }
        batch.flush(decided)
        return answers
    }

    private func answer(_ result: Result<CheckOutcome, AdmitError>) -> Answer {
        switch result {
        case .success(let outcome): return .check(outcome)
        case .failure(let error): return .failure(RPCError(error))
        }
    }
}
