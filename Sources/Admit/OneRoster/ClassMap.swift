import AdmitCSV
import AdmitDomain

/// Which Admit package each OneRoster class enrols in: the administrator's `--class-map` file.
///
/// A CSV file with the header `class,package`: `class` is a class's `sourcedId` or its `title`,
/// `package` an Admit package id. A class is looked up by its sourcedId first, then by its title.
/// Problems (an unknown package, a class given twice with two packages, a bad header) are
/// reported all at once, compiler-style, before anything is imported.
public struct ClassMap: Sendable, Hashable {
    /// Package by class sourcedId or title, as given.
    public private(set) var packages: [String: PackageID]

    /// A map from pairs, for programs; `class` keys as in the file.
    public init(_ packages: [String: PackageID]) {
        self.packages = packages
    }

    /// The package for the class with this sourcedId and (when known) title; nil when the map names neither.
    public func package(sourcedID: String, title: String?) -> PackageID? {
        packages[sourcedID] ?? title.flatMap { packages[$0] }
    }

    /// Reads a class map file; `known` are the catalogue's packages (each entry must name one).
    static func read(path: String, known: [PackageID]) throws(AdmitError) -> ClassMap {
        let bytes: FileByteSource
        do { bytes = try FileByteSource(path: path) } catch {
            throw .fileUnreadable(path: path, reason: "cannot open: \(error.reason.lowercased())")
        }
        var reader = CSVReader(source: bytes, options: CSVOptions(maximumFieldBytes: 1 << 16))
        var problems: [String] = []
        var header: [String]?
        var packages: [String: PackageID] = [:]
        var lines: [String: Int] = [:]
        let knownIDs = Set(known.map(\.rawValue))
        while true {
            let row: CSVRow?
            do { row = try reader.next() } catch {
                throw .fileUnreadable(path: path, reason: "cannot read: \(error.reason.lowercased())")
            }
            guard let row else { break }
            if row.isBlank { continue }
            if let problem = row.problem {
                problems.append("\(path):\(row.line): error: \(problem.message) [\(problem.code)]")
                continue
            }
            let cells = row.fields.map { $0.trimmingWhitespace() }
            guard header != nil else {
                header = cells
                if cells.map({ $0.lowercasedASCII() }) != ["class", "package"] {
                    problems.append(
                        "\(path):\(row.line): error: the header is '\(cells.joined(separator: ","))'; a class map's is 'class,package'")
                }
                continue
            }
            guard cells.count == 2 else {
                problems.append("\(path):\(row.line): error: the row has \(cells.count) fields, the header 2 [ragged-row]")
                continue
            }
            let (key, package) = (cells[0], cells[1])
            guard !key.isEmpty, !package.isEmpty else {
                problems.append("\(path):\(row.line): error: a row gives a class (sourcedId or title) and a package")
                continue
            }
            guard knownIDs.contains(package) else {
                let hint = Suggestions.closest(to: package, in: known.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                problems.append("\(path):\(row.line): error: package: unknown package '\(RegistrationRow.shown(package))'" + hint)
                continue
            }
            if let earlier = packages[key], earlier.rawValue != package {
                problems.append(
                    "\(path):\(row.line): error: class '\(RegistrationRow.shown(key))' is mapped to \(earlier) on line \(lines[key] ?? 0) "
                        + "and to \(package) here")
                continue
            }
            packages[key] = PackageID(package)
            lines[key] = row.line
        }
        if header == nil { problems.append("\(path):1: error: the class map is empty; it starts with the header 'class,package'") }
        guard problems.isEmpty else {
            throw .invalidInput(.problems(path: path, problems: problems))
        }
        return ClassMap(packages)
    }
}
