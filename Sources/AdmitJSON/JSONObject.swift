/// A JSON object: members in their written order, with unique keys.
///
/// Keys are compared with Swift `String` equality, i.e. Unicode canonical
/// equivalence, so `"é"` (U+00E9) and `"e\u{301}"` count as the same key; the
/// parser rejects such pairs as duplicates, which keeps lookups unambiguous.
/// Two objects are equal when they have equal members in the same order.
/// Large objects keep a hash index so lookups stay O(1).
public struct JSONObject: Sendable {
    /// One member: a key and its value.
    struct Member: Sendable, Hashable {
        var key: String
        var value: JSONValue

        init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in order; keys are unique.
    var members: [Member]

    /// Key to position, present once the object has ``indexThreshold`` members or more.
    var keyIndex: [String: Int]?

    /// Member count from which lookups use a hash index instead of a linear scan.
    static let indexThreshold = 12

    /// Wraps members whose keys the caller has checked to be unique, and their index if it built one.
    init(uncheckedMembers members: [Member], keyIndex: [String: Int]?) {
        self.members = members
        self.keyIndex = keyIndex
        if keyIndex == nil, members.count >= Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Creates an empty object.
    public init() {
        self.members = []
        self.keyIndex = nil
    }

    /// Creates an object from key-value pairs in order; traps if a key repeats (use ``init(_:uniquingKeysWith:)`` otherwise).
    public init<S: Sequence>(uniqueKeysWithValues pairs: S) where S.Element == (String, JSONValue) {
        self.init()
        for (key, value) in pairs {
            precondition(self.index(forKey: key) == nil, "duplicate key \"\(key)\" in JSONObject")
            append(Member(key: key, value: value))
        }
    }

    /// Creates an object from key-value pairs in order, resolving a repeated key with `combine(old, new)` at its first position.
    public init<S: Sequence>(
        _ pairs: S,
        uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue
    ) rethrows where S.Element == (String, JSONValue) {
        self.init()
        for (key, value) in pairs {
            if let position = self.index(forKey: key) {
                members[position].value = try combine(members[position].value, value)
            } else {
                append(Member(key: key, value: value))
            }
        }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys in member order.
    public var keys: [String] { members.map(\.key) }

    /// The values in member order.
    public var values: [JSONValue] { members.map(\.value) }

    /// The position of the member named `key`, or `nil`.
    public func index(forKey key: String) -> Int? {
        if let keyIndex {
            return keyIndex[key]
        }
        for position in members.indices where members[position].key == key {
            return position
        }
        return nil
    }

    /// The value of the member named `key`; setting `nil` removes it, setting a new key appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = index(forKey: key) else { return nil }
            return members[position].value
        }
        set {
            let position = index(forKey: key)
            switch (position, newValue) {
            case (let position?, let value?):
                members[position].value = value
            case (let position?, nil):
                members.remove(at: position)
                rebuildIndex()
            case (nil, let value?):
                append(Member(key: key, value: value))
            case (nil, nil):
                break
            }
        }
    }

    /// Appends a member whose key is known to be absent.
    mutating func append(_ member: Member) {
        members.append(member)
        if keyIndex != nil {
            keyIndex?[member.key] = members.count - 1
        } else if members.count >= Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Recomputes the hash index, or drops it below the threshold.
    mutating func rebuildIndex() {
        guard members.count >= Self.indexThreshold else {
            keyIndex = nil
            return
        }
        var index = [String: Int](minimumCapacity: members.count)
        for (position, member) in members.enumerated() {
            index[member.key] = position
        }
        keyIndex = index
    }
}
