/// A package of lectures published together, e.g. the IDoR 2020 thematic package.
public struct Package: Sendable, Hashable, Codable {
    /// The package id, e.g. `idor-2020`.
    public var id: PackageID
    /// The title to show.
    public var title: String
    /// The platform that publishes it, e.g. `ESR Connect`.
    public var platform: String
    /// The zone in which the package's calendar days are counted (reports per day).
    public var zone: Zone
    /// The package's lectures in their published order.
    public var lectures: [Lecture]

    /// A package with its lectures.
    public init(id: PackageID, title: String, platform: String, zone: Zone, lectures: [Lecture]) {
        self.id = id
        self.title = title
        self.platform = platform
        self.zone = zone
        self.lectures = lectures
    }
}

/// One lecture of a package.
public struct Lecture: Sendable, Hashable, Codable {
    /// The lecture id, e.g. `idor-2020-07`.
    public var id: LectureID
    /// The package the lecture belongs to.
    public var package: PackageID
    /// 1-based position in the package.
    public var position: Int
    /// The title to show.
    public var title: String

    /// A lecture at `position` in `package`.
    public init(id: LectureID, package: PackageID, position: Int, title: String) {
        self.id = id
        self.package = package
        self.position = position
        self.title = title
    }
}

extension Zone: Codable {
    /// Decodes a zone from its IANA identifier; an unknown one is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let identifier = try container.decode(String.self)
        guard let zone = Zone(identifier: identifier) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown time zone '\(identifier)'")
        }
        self = zone
    }

    /// Encodes the zone as its identifier.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(identifier)
    }
}
