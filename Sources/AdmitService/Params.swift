import Admit
import AdmitDomain
import AdmitJSON

/// A request's by-name params, read with errors that name the param.
///
/// Every param a method reads is marked as read; `finish()` then rejects any other member, so a
/// misspelt optional param (`"a"` for `"at"`) is an error instead of being silently ignored.
/// `token` is accepted by every method.
struct Params: Sendable {
    private let object: JSONObject
    /// Bit `i` set: member `i` of `object` was read (or is the token). Objects with more than
    /// 64 members keep the rest in `readBeyond`.
    private var readMask: UInt64 = 0
    private var readBeyond: Set<Int> = []

    /// `params` as given: absent, or an object. Positional params (an array) are refused.
    init(_ value: JSONValue?) throws(RPCError) {
        switch value {
        case nil: object = JSONObject()
        case .object(let members)?: object = members
        case .array?: throw RPCError.invalidParams("params must be an object of named params, not an array")
        case _?: throw RPCError.invalidRequest("'params' must be an object")
        }
        switch member("token") {
        case nil, .null?, .string?: break
        case _?: throw RPCError.invalidParam("token", "must be a string")
        }
    }

    /// The value of the param `name`, which is marked as read.
    private mutating func member(_ name: String) -> JSONValue? {
        guard let position = object.index(forKey: name) else { return nil }
        if position < 64 { readMask |= 1 << UInt64(position) } else { readBeyond.insert(position) }
        return object[position].value
    }

    /// A required string.
    mutating func string(_ name: String) throws(RPCError) -> String {
        guard let value = try optionalString(name) else { throw RPCError.invalidParam(name, "is missing") }
        return value
    }

    /// An optional string.
    mutating func optionalString(_ name: String) throws(RPCError) -> String? {
        switch member(name) {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case _?: throw RPCError.invalidParam(name, "must be a string")
        }
    }

    /// A user: an email address (string) or a numeric id (string or integer).
    mutating func user(_ name: String = "user") throws(RPCError) -> String {
        switch member(name) {
        case nil, .null?: throw RPCError.invalidParam(name, "is missing")
        case .string(let text)?: return text
        case .number(let number)? where number.int64 != nil: return number.text
        case _?: throw RPCError.invalidParam(name, "must be an email address or a numeric user id")
        }
    }

    /// An optional RFC 3339 instant with an offset.
    mutating func instant(_ name: String) throws(RPCError) -> Instant? {
        guard let text = try optionalString(name) else { return nil }
        do { return try Instant(parsing: text) } catch { throw RPCError.invalidParam(name, "is not an instant: \(error.description)") }
    }

    /// An optional boolean.
    mutating func bool(_ name: String) throws(RPCError) -> Bool? {
        switch member(name) {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case _?: throw RPCError.invalidParam(name, "must be true or false")
        }
    }

    /// An optional integer in `range`.
    mutating func int(_ name: String, in range: ClosedRange<Int>) throws(RPCError) -> Int? {
        switch member(name) {
        case nil, .null?: return nil
        case .number(let number)?:
            // An integer written with a fraction or an exponent (`1e2`, `100.0`) is that integer.
            let exact = number.int64 ?? Int64(exactly: number.double)
            guard let value = exact, let int = Int(exactly: value), range.contains(int) else {
                let bounds =
                    range.upperBound == .max ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
                throw RPCError.invalidParam(name, "must be an integer \(bounds)")
            }
            return int
        case _?: throw RPCError.invalidParam(name, "must be an integer")
        }
    }

    /// A required array.
    mutating func array(_ name: String) throws(RPCError) -> [JSONValue] {
        switch member(name) {
        case nil, .null?: throw RPCError.invalidParam(name, "is missing")
        case .array(let elements)?: return elements
        case _?: throw RPCError.invalidParam(name, "must be an array")
        }
    }

    /// An optional `from`/`until` pair as a span (unbounded where absent); `until` must be after `from`.
    mutating func span() throws(RPCError) -> Span {
        let (from, until) = (try instant("from"), try instant("until"))
        do { return try Span(from: from, until: until) } catch { throw RPCError(error) }
    }

    /// The bearer token, if the request carries one.
    var token: String? {
        if case .string(let text)? = object["token"] { return text }
        return nil
    }

    /// Fails on any param the method did not read.
    func finish() throws(RPCError) {
        for position in object.indices {
            let read = position < 64 ? readMask & (1 << UInt64(position)) != 0 : readBeyond.contains(position)
            if !read { throw RPCError.invalidParam(object[position].key, "is not a param of this method") }
        }
    }
}
