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
/// The `check` requests of a read go to `Admission.check(_:)` together, so their decisions are
/// logged in one transaction; any other request first lets the checks before it be decided and
/// logged, so the audit log keeps the order in which requests arrived.
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

    /// Runs the calls in order. Checks wait in a group until a call that reads or writes the
    /// store comes (or the read ends); the group is then decided and logged in one transaction.
    func run(_ calls: [Call], from peer: Peer) -> [Answer] {
        var answers = [Answer](repeating: .failure(RPCError(.internalError, "internal error: no answer")), count: calls.count)
        var pending: [(index: Int, request: CheckRequest)] = []
        func decidePending() {
            guard !pending.isEmpty else { return }
            let results = admission.check(pending.map(\.request), actor: peer.actor)
            for (entry, result) in zip(pending, results) {
                answers[entry.index] = answer(result)
            }
            pending.removeAll(keepingCapacity: true)
        }
        for (index, call) in calls.enumerated() {
            switch call.body {
            case .invalid(let error):
                answers[index] = .failure(error)
            case .check(let request):
                if let refusal = authorisation(for: .check, token: call.token, from: peer) {
                    decidePending()
                    answers[index] = .failure(refuse(.check, because: refusal, from: peer))
                } else {
                    pending.append((index, request))
                }
            case .method(let method, var params):
                // ping and version touch no store: the checks before them may wait.
                if method != .ping && method != .version { decidePending() }
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
        decidePending()
        return answers
    }

    private func answer(_ result: Result<CheckOutcome, AdmitError>) -> Answer {
        switch result {
        case .success(let outcome): return .check(outcome)
        case .failure(let error): return .failure(RPCError(error))
        }
    }
}
