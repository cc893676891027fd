/// The packages and lectures Admit knows, with lookups by identifier.
public struct Catalog: Sendable, Hashable {
    /// Packages in a stable order (by identifier).
    public let packages: [Package]
    private let packagesByID: [PackageID: Int]
    private let lecturesByID: [LectureID: Lecture]

    /// Builds a catalog. Identifiers are expected to be unique (the seed loader checks); should one
    /// repeat, the first package or lecture with it is kept.
    public init(packages: [Package]) {
        var kept: [Package] = []
        var byID: [PackageID: Int] = [:]
        var lectures: [LectureID: Lecture] = [:]
        for package in packages.sorted(by: { $0.id < $1.id }) where byID[package.id] == nil {
            byID[package.id] = kept.count
            kept.append(package)
            for lecture in package.lectures where lectures[lecture.id] == nil { lectures[lecture.id] = lecture }
        }
        self.packages = kept
        packagesByID = byID
        lecturesByID = lectures
    }

    /// The empty catalog.
    public static let empty = Catalog(packages: [])

    /// The package with this identifier.
    public func package(_ id: PackageID) -> Package? { packagesByID[id].map { packages[$0] } }

    /// The lecture with this identifier.
    public func lecture(_ id: LectureID) -> Lecture? { lecturesByID[id] }

    /// Every lecture identifier, sorted.
    public var lectureIDs: [LectureID] { lecturesByID.keys.sorted() }
}
