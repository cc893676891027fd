/// A user's paid subscription: `none`, or a plan name such as `premium`.
public struct Subscription: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `none`, or the plan's name: lowercase letters, digits and `-`, starting with a letter.
    public let rawValue: String

    /// No paid subscription.
    public static let none = Subscription(validated: "none")

    /// The subscription named `rawValue`, or nil when it is not a valid plan name.
    public init?(_ rawValue: String) {
        guard Subscription.isValidName(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(validated: String) { rawValue = validated }

    /// Whether `name` is `none` or a well-formed plan name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= 64 else {
            return false
        }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }

    /// The plan name.
    public var description: String { rawValue }

    /// Decodes a subscription; an invalid plan name is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard Subscription.isValidName(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid subscription '\(raw)'")
        }
        rawValue = raw
    }

    /// Encodes the plan name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
