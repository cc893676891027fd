/// The identifier of a user: a positive integer assigned by the store when the user is created.
public struct UserID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The number the store assigned.
    public var rawValue: Int64
    /// The identifier with this number.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    /// Numeric order.
    public static func < (lhs: UserID, rhs: UserID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The number in decimal.
    public var description: String { String(rawValue) }
    /// Decodes the identifier from an integer.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    /// Encodes the identifier as its integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The identifier of a package of lectures, e.g. `idor-2020`.
public struct PackageID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier as written.
    public var rawValue: String
    /// The identifier `rawValue`.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The identifier a string literal writes.
    public init(stringLiteral value: String) { rawValue = value }
    /// Alphabetical order.
    public static func < (lhs: PackageID, rhs: PackageID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The identifier as written.
    public var description: String { rawValue }
    /// Decodes the identifier from a string.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    /// Encodes the identifier as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The identifier of a lecture, e.g. `idor-2020-07`.
public struct LectureID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier as written.
    public var rawValue: String
    /// The identifier `rawValue`.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The identifier a string literal writes.
    public init(stringLiteral value: String) { rawValue = value }
    /// Alphabetical order.
    public static func < (lhs: LectureID, rhs: LectureID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The identifier as written.
    public var description: String { rawValue }
    /// Decodes the identifier from a string.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    /// Encodes the identifier as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The identifier of a policy rule, e.g. `free-access`; unique across a policy set.
public struct RuleID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier as written.
    public var rawValue: String
    /// The identifier `rawValue`.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The identifier a string literal writes.
    public init(stringLiteral value: String) { rawValue = value }
    /// Alphabetical order.
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The identifier as written.
    public var description: String { rawValue }
    /// Decodes the identifier from a string.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    /// Encodes the identifier as its string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
