import Admit
import AdmitJSON

/// One request of a line or of a batch, read as far as it could be.
struct Call: Sendable {
    /// What to do.
    enum Body: Sendable {
        /// A well-formed `check`, ready for the batched decision path.
        case check(CheckRequest)
        /// Any other known method, with its params still to be read.
        case method(RPCMethod, Params)
        /// A request that cannot be run; the error is its answer.
        case invalid(RPCError)
    }

    /// The id to answer with; nil for a notification, which gets no reply.
    var id: RequestID?
    var body: Body
    /// The bearer token the request carries in `params.token`.
    var token: String?

    /// Whether a request object may have a member named `key`.
    private static func isMember(_ key: String) -> Bool {
        key == "jsonrpc" || key == "method" || key == "params" || key == "id"
    }

    /// Reads a request object as JSON-RPC 2.0 defines it.
    ///
    /// A value that is not a valid request is answered with -32600 even without an `id` (the
    /// reply's id is then null); only a valid request without `id` is a notification.
    init(_ value: JSONValue) {
        guard case .object(let object) = value else {
            self.init(id: .null, body: .invalid(.invalidRequest("a request must be a json object")))
            return
        }
        var id: RequestID? = nil
        if let raw = object["id"] {
            guard let valid = RequestID(raw) else {
                self.init(id: .null, body: .invalid(.invalidRequest("'id' must be a string, a number or null")))
                return
            }
            id = valid
        }
        let replyID = id ?? .null
        guard case .string("2.0")? = object["jsonrpc"] else {
            self.init(id: replyID, body: .invalid(.invalidRequest("'jsonrpc' must be \"2.0\"")))
            return
        }
        guard case .string(let name)? = object["method"] else {
            self.init(id: replyID, body: .invalid(.invalidRequest("'method' must be a string")))
            return
        }
        for (key, _) in object where !Call.isMember(key) {
            self.init(
                id: replyID, body: .invalid(.invalidRequest("unknown member '\(key)' (a request has jsonrpc, method, params and id)")))
            return
        }
        var params: Params
        do { params = try Params(object["params"]) } catch {
            // A malformed `params` member makes the whole object an invalid request.
            self.init(id: error.code == .invalidRequest ? replyID : id, body: .invalid(error))
            return
        }
        let token = params.token
        guard let method = RPCMethod(rawValue: name) else {
            self.init(id: id, body: .invalid(.methodNotFound(name)), token: token)
            return
        }
        guard method == .check else {
            self.init(id: id, body: .method(method, params), token: token)
            return
        }
        // A check's params are read here, on the connection's thread, by the reader that sits
        // with every other method's (`Dispatcher.checkRequest`), so the worker only decides.
        do {
            self.init(id: id, body: .check(try Dispatcher.checkRequest(&params)), token: token)
        } catch {
            self.init(id: id, body: .invalid(error), token: token)
        }
    }

    init(id: RequestID?, body: Body, token: String? = nil) {
        self.id = id
        self.body = body
        self.token = token
    }
}
