import AdmitCSV
import Crypto
import Foundation
import ZIPFoundation

/// How a OneRoster manifest declares a file: `bulk` (the whole set), `delta` (changes), `absent`.
public enum RosterFileMode: String, Sendable, Hashable {
    case bulk, delta, absent
}

/// A OneRoster CSV package, a folder or a `.zip`, with its manifest read and checked.
///
/// The files Admit reads are found at the top of the folder or archive (or, in an archive, in the
/// one folder that holds `manifest.csv`). An archive's files are extracted to a temporary folder,
/// removed when the package goes away, so that they are read as streams like any file.
final class RosterPackage {
    /// The folder or archive as named.
    let path: String
    let version: OneRosterVersion
    /// What the manifest says of each `file.X` (by `X`: `users`, `enrollments`, …).
    let modes: [String: RosterFileMode]
    /// SHA-256 of the archive, or for a folder of the files read (see `Docs/oneroster.md`), hex.
    let sha256: String
    /// The total size of the files read, in bytes.
    let bytes: Int64
    private let directory: String
    private let temporary: String?

    /// Opens and checks the package: the manifest's version, its modes, and that every file it
    /// declares `bulk` or `delta` is there. Throws `invalidInput` listing every problem.
    init(path: String) throws(AdmitError) {
        self.path = path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .fileUnreadable(path: path, reason: "no such file or folder")
        }
        let present: Set<String>
        if isFolder.boolValue {
            directory = path
            temporary = nil
            present = Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
        } else {
            let extracted = try Self.extract(archive: path)
            directory = extracted.directory
            temporary = extracted.directory
            present = extracted.names
        }
        let version: OneRosterVersion
        let modes: [String: RosterFileMode]
        do throws(AdmitError) {
            guard present.contains(RosterFile.manifest.fileName) else {
                throw AdmitError.invalidInput(.noManifest(path: path, archive: false))
            }
            (version, modes) = try Self.readManifest(path: directory + "/" + RosterFile.manifest.fileName, present: present)
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw error
        }
        self.version = version
        self.modes = modes
        // The files that are read, hashed before reading, so that the batch names them from the start.
        var hasher = SHA256()
        var total: Int64 = 0
        if temporary == nil {
            for name in [RosterFile.manifest.fileName] + Self.readFiles.map(\.fileName).sorted() where present.contains(name) {
                let file = directory + "/" + name
                let digest = try MeasuredByteSource.sha256(ofFile: file)
                hasher.update(data: Array("\(name) \(digest)\n".utf8))
                total += Self.size(of: file)
            }
            sha256 = hasher.finalize().hexString
        } else {
            sha256 = try MeasuredByteSource.sha256(ofFile: path)
            for name in present { total += Self.size(of: directory + "/" + name) }
        }
        bytes = total
    }

    deinit {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// The files Admit reads; of the others, only their presence is checked against the manifest.
    static let readFiles: [RosterFile] = [.users, .enrollments, .classes, .roles]

    /// The manifest's mode for `file` (`absent` when it does not name it).
    func mode(_ file: RosterFile) -> RosterFileMode { modes[file.rawValue] ?? .absent }

    /// Opens `file` of the package for reading.
    func open(_ file: RosterFile) throws(AdmitError) -> FileByteSource {
        let full = directory + "/" + file.fileName
        do { return try FileByteSource(path: full) } catch {
            throw .fileUnreadable(path: file.fileName, reason: "cannot open: \(error.reason.lowercased())")
        }
    }

    private static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    // MARK: The manifest

    private static func readManifest(path: String, present: Set<String>) throws(AdmitError) -> (OneRosterVersion, [String: RosterFileMode])
    {
        let bytes: FileByteSource
        do { bytes = try FileByteSource(path: path) } catch {
            throw .fileUnreadable(path: RosterFile.manifest.fileName, reason: "cannot open: \(error.reason.lowercased())")
        }
        // The manifest's header does not depend on the version.
        var table = try RosterTable(bytes: bytes, file: .manifest, version: .version11)
        var problems: [String] = []
        let name = RosterFile.manifest.fileName
        var version: OneRosterVersion?
        var versionLine = 1
        var modes: [String: RosterFileMode] = [:]
        var modeLines: [String: Int] = [:]
        while let item = try table.next() {
            let record: RosterRecord
            switch item {
            case .malformed(let reject, _):
                problems.append(reject.diagnostic(path: name))
                continue
            case .record(let read): record = read
            }
            guard let property = record["propertyName"] else {
                problems.append("\(name):\(record.line): error: propertyName: the row names no property")
                continue
            }
            let value = record["value"] ?? ""
            if property == "oneroster.version" {
                versionLine = record.line
                guard let known = OneRosterVersion(rawValue: value) else {
                    problems.append(
                        "\(name):\(record.line): error: value: oneroster.version '\(RegistrationRow.shown(value))' is not one Admit reads (1.1 or 1.2)"
                    )
                    continue
                }
                version = known
            } else if property.hasPrefix("file.") {
                let file = String(property.dropFirst(5))
                guard let mode = RosterFileMode(rawValue: value.lowercasedASCII()) else {
                    problems.append(
                        "\(name):\(record.line): error: value: \(property) is '\(RegistrationRow.shown(value))'; it is bulk, delta or absent"
                    )
                    continue
                }
                if let earlier = modeLines[file] {
                    problems.append("\(name):\(record.line): error: \(property) is declared twice (first on line \(earlier))")
                    continue
                }
                modes[file] = mode
                modeLines[file] = record.line
                if mode != .absent, !present.contains(file + ".csv") {
                    problems.append("\(name):\(record.line): error: \(property) is '\(mode.rawValue)', but the package has no \(file).csv")
                }
            }
        }
        if version == nil, problems.isEmpty {
            problems.append("\(name):\(versionLine): error: the manifest has no oneroster.version (1.1 or 1.2)")
        }
        guard problems.isEmpty, let version else {
            throw .invalidInput(.problems(path: name, problems: problems))
        }
        return (version, modes)
    }

    // MARK: Archives

    /// Extracts the CSV files of the archive's package folder (its top, or the one folder that
    /// holds `manifest.csv`) to a new temporary folder.
    private static func extract(archive path: String) throws(AdmitError) -> (directory: String, names: Set<String>) {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw .fileUnreadable(path: path, reason: "not a folder, and not a ZIP archive that can be read (\(error))")
        }
        let entries = Array(archive).filter { $0.type == .file }
        let manifests = entries.map(\.path).filter { $0 == "manifest.csv" || $0.hasSuffix("/manifest.csv") }
        guard let manifest = manifests.min(by: { $0.count < $1.count }) else {
            throw .invalidInput(.noManifest(path: path, archive: true))
        }
        let prefix = String(manifest.dropLast(RosterFile.manifest.fileName.count))
        let directory = NSTemporaryDirectory() + "admit-oneroster-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileUnreadable(path: directory, reason: "cannot create a folder to extract \(path) into")
        }
        var names: Set<String> = []
        let wanted = Set(([RosterFile.manifest] + readFiles).map(\.fileName))
        for entry in entries where entry.path.hasPrefix(prefix) {
            let name = String(entry.path.dropFirst(prefix.count))
            guard !name.isEmpty, !name.contains("/") else { continue }
            names.insert(name)
            guard wanted.contains(name) else { continue }
            do {
                _ = try archive.extract(entry, to: URL(fileURLWithPath: directory + "/" + name))
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw .fileUnreadable(path: path, reason: "cannot extract \(entry.path): \(error)")
            }
        }
        return (directory, names)
    }
}
