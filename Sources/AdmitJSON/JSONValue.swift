/// A JSON value as defined by RFC 8259.
///
/// Numbers keep their literal text (see ``JSONNumber``) and objects keep their
/// member order (see ``JSONObject``). Equality is structural and order-sensitive
/// for object members; numbers compare by their literal text.
public enum JSONValue: Sendable, Hashable {
    /// The literal `null`.
    case null
    /// The literals `true` and `false`.
    case bool(Bool)
    /// A number, kept as the literal text it was written as.
    case number(JSONNumber)
    /// A string, already unescaped.
    case string(String)
    /// An array of values.
    case array([JSONValue])
    /// An object whose members keep their order and have unique keys.
    case object(JSONObject)
}
