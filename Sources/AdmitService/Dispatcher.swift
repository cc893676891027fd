import Admit
import AdmitJSON
import Logging
import NIOCore

/// Answers the lines a connection sent: JSON-RPC 2.0 requests in, reply lines out, in order.
///
/// It owns the `Admission`, which is not thread-safe, so a dispatcher is used from one thread
/// only (`AdmitWorker`'s). All connections share it; it gets the lines of one read at a time.
///
/// The `check` requests of a read go to `Admission.check(_:)` together, so their decisions are
/// logged in one transaction; any other request first lets the checks before it be decided and
/// logged, so the audit log keeps the order in which requests arrived.
final class Dispatcher {
    let admission: Admission
    let limits: ServiceLimits
    let token: BearerToken?
    let logger: Logger
    /// Reused for every reply.
    var writer = JSONWriter(reservingCapacity: 4096)

    init(admission: Admission, limits: ServiceLimits, token: BearerToken?, logger: Logger) {
        self.admission = admission
        self.limits = limits
        self.token = token
        self.logger = logger
    }

    /// What one frame of input needs as its reply.
    enum Slot {
        /// Nothing: an empty line, a notification, a batch of notifications.
        case none
        /// The reply to one request object.
        case single(Int)
        /// A batch: the replies to these calls, as one array.
        case batch(Range<Int>)
        /// An error that belongs to no request (parse error, line too long, batch too large).
        case error(RPCError)
    }

    /// What a call came to.
    enum Answer {
        case check(CheckOutcome)
        case value(JSONValue)
        case failure(RPCError)
    }

    /// Answers the frames of one read from `peer`, appending the reply lines to `out`.
    func answer(_ frames: [LineFramer.Frame], from peer: Peer, into out: inout ByteBuffer) {
        var calls: [Call] = []
        calls.reserveCapacity(frames.count)
        var slots: [Slot] = []
        slots.reserveCapacity(frames.count)
        for frame in frames {
            slots.append(read(frame, into: &calls))
        }
        let answers = run(calls, from: peer)
        for slot in slots {
            write(slot, calls: calls, answers: answers, into: &out)
        }
    }

    /// Parses one frame, appending its calls.
    private func read(_ frame: LineFramer.Frame, into calls: inout [Call]) -> Slot {
        guard case .line(let line) = frame else { return .error(.lineTooLong(limit: limits.maxLineBytes)) }
        if Self.isBlank(line) { return .none }
        let parsed = line.withUnsafeReadableBytes { bytes in Result { () throws(JSONError) in try JSONParser.parse(bytes) } }
        let value: JSONValue
        switch parsed {
        case .success(let parsedValue): value = parsedValue
        case .failure(let error): return .error(.parse(error))
        }
        guard case .array(let elements) = value else {
            calls.append(Call(value))
            return .single(calls.count - 1)
        }
        guard !elements.isEmpty else { return .error(.invalidRequest("a batch must hold at least one request")) }
        guard elements.count <= limits.maxBatch else { return .error(.batchTooLarge(elements.count, limit: limits.maxBatch)) }
        let start = calls.count
        for element in elements { calls.append(Call(element)) }
        return .batch(start..<calls.count)
    }

    /// Whether a line holds only JSON whitespace (such a line is skipped without a reply).
    private static func isBlank(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    /// Runs the calls in order. Checks wait in a group until a call that reads or writes the
    /// store comes (or the read ends); the group is then decided and logged in one transaction.
    private func run(_ calls: [Call], from peer: Peer) -> [Answer] {
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
                continue
            case .check(let request) where authorisation(for: .check, token: call.token, from: peer) == nil:
                pending.append((index, request))
                continue
            case .method(let method, _) where method == .ping || method == .version:
                break
            case .check, .method:
                decidePending()
            }
            answers[index] = run(call, from: peer)
        }
        decidePending()
        return answers
    }

    /// Runs one call that is not part of a group of checks.
    private func run(_ call: Call, from peer: Peer) -> Answer {
        guard let method = call.method else {
            if case .invalid(let error) = call.body { return .failure(error) }
            return .failure(RPCError(.internalError, "internal error: a call without a method"))
        }
        if let refusal = authorisation(for: method, token: call.token, from: peer) {
            return .failure(refuse(method, because: refusal, from: peer))
        }
        switch call.body {
        case .invalid(let error):
            return .failure(error)
        case .check(let request):
            return answer(admission.check([request], actor: peer.actor)[0])
        case .method(let method, var params):
            do {
                return .value(try perform(method, &params, from: peer))
            } catch {
                return .failure(error)
            }
        }
    }

    private func answer(_ result: Result<CheckOutcome, AdmitError>) -> Answer {
        switch result {
        case .success(let outcome): return .check(outcome)
        case .failure(let error): return .failure(RPCError(error))
        }
    }
}
