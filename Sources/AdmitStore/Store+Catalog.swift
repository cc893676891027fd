import AdmitDomain
import SQLite

extension Store {
    /// Whether the database has no packages yet (a new database, to be seeded).
    public func isUnseeded() throws(StoreError) -> Bool {
        try run { try connection.queryFirst("SELECT count(*) FROM packages") { $0.int64(0) } == 0 }
    }

    /// Records packages and their lectures. Call inside `write`.
    public func insert(_ catalog: Catalog) throws(StoreError) {
        try run {
            for package in catalog.packages {
                try connection.run(
                    "INSERT INTO packages(id, title, platform, zone) VALUES (?, ?, ?, ?)",
                    package.id.rawValue, package.title, package.platform, package.zone.identifier)
                for lecture in package.lectures {
                    try connection.run(
                        "INSERT INTO lectures(id, package_id, position, title) VALUES (?, ?, ?, ?)",
                        lecture.id.rawValue, package.id.rawValue, Int64(lecture.position), lecture.title)
                }
            }
        }
    }

    /// Every package with its lectures.
    public func catalog() throws(StoreError) -> Catalog {
        try read {
            let lectures = try connection.query("SELECT id, package_id, position, title FROM lectures ORDER BY package_id, position") {
                Lecture(
                    id: LectureID($0.string(0) ?? ""), package: PackageID($0.string(1) ?? ""), position: $0.int(2),
                    title: $0.string(3) ?? "")
            }
            let grouped = Dictionary(grouping: lectures, by: \.package)
            let packages = try connection.query("SELECT id, title, platform, zone FROM packages ORDER BY id") { row throws -> Package in
                let id = PackageID(row.string(0) ?? "")
                let zoneName = row.string(3) ?? ""
                guard let zone = Zone(identifier: zoneName) else {
                    throw StoreError.Cause.unknownZone(package: id.rawValue, zone: zoneName)
                }
                return Package(id: id, title: row.string(1) ?? "", platform: row.string(2) ?? "", zone: zone, lectures: grouped[id] ?? [])
            }
            return Catalog(packages: packages)
        }
    }
}
