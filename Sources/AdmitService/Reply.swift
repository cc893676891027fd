import AdmitJSON

/// The JSON-RPC response objects, written straight into a `JSONWriter`.
enum Reply {
    /// `{"jsonrpc":"2.0","id":…,"result":…}` or `{"jsonrpc":"2.0","id":…,"error":{…}}`.
    static func write(id: RequestID, _ answer: Dispatcher.Answer, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("jsonrpc")
        writer.write("2.0")
        writer.key("id")
        id.write(to: &writer)
        switch answer {
        case .check(let outcome):
            writer.key("result")
            outcome.write(to: &writer)
        case .value(let value):
            writer.key("result")
            writer.value(value)
        case .failure(let error):
            writer.key("error")
            writer.value(error.json)
        }
        writer.endObject()
    }

    /// One error reply with a null id, as a whole line.
    static func errorLine(_ error: RPCError) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        write(id: .null, .failure(error), to: &writer)
        return writer.take() + [UInt8(ascii: "\n")]
    }
}
