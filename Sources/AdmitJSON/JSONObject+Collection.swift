extension JSONObject: RandomAccessCollection {
    /// A member as a labelled `(key, value)` pair.
    public typealias Element = (key: String, value: JSONValue)

    /// The position of the first member (always 0).
    public var startIndex: Int { 0 }

    /// One past the position of the last member.
    public var endIndex: Int { members.count }

    /// The member at `position` as `(key, value)`.
    public subscript(position: Int) -> Element {
        let member = members[position]
        return (member.key, member.value)
    }
}

extension JSONObject: Hashable {
    /// Whether both objects have equal members in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members == rhs.members
    }

    /// Hashes the members in order (the lookup index is not part of the value).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object from a dictionary literal, keeping the written order; traps on duplicate keys.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(uniqueKeysWithValues: elements)
    }
}
