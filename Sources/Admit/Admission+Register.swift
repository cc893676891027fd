import AdmitCSV
import AdmitDomain
import AdmitJSON
import AdmitStore
import Crypto
import Foundation

extension Admission {
    /// Registers the users of a CSV or JSON Lines file (`-`: standard input): creates the new
    /// ones, changes only the given attributes of the known ones, rejects what is malformed, and
    /// with `options.package` enrols each of them under the policy.
    ///
    /// `format` defaults to the file name's ending (`.jsonl`, `.ndjson`, `.json`: JSON Lines;
    /// else CSV). The CSV header is checked before anything is written: an unknown, unnamed or
    /// repeated column, or a missing `email` column, throws `invalidInput` listing every
    /// problem. Rejected rows go to `rejectsFile` when given (created or truncated), ready to
    /// fix and import again. A regular file is hashed before it is read, so that its import
    /// batch names it from the start; standard input is hashed as it streams.
    public func register(
        file path: String, format: RegistrationFormat? = nil, options: RegistrationOptions = .init(), rejectsFile: String? = nil,
        progress: ((RegistrationProgress) -> Void)? = nil, observe: ((RegistrationRowResult) -> Void)? = nil
    ) throws(AdmitError) -> RegistrationSummary {
        let resolvedFormat = format ?? RegistrationFormat(path: path)
        if resolvedFormat == .oneroster {
            return try register(oneRoster: path, classMap: ClassMap([:]), options: options, rejectsFile: rejectsFile, progress: progress)
        }
        var sha256: String?
        var size: Int64?
        if path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        {
            sha256 = try MeasuredByteSource.sha256(ofFile: path)
            size = (attributes[.size] as? NSNumber)?.int64Value
        }
        let file: FileByteSource
        do { file = try FileByteSource(path: path) } catch {
            throw .fileUnreadable(path: path, reason: "cannot open: \(error.reason.lowercased())")
        }
        return try register(
            bytes: file, name: path, format: resolvedFormat, sha256: sha256, totalBytes: size, options: options,
            rejectsFile: rejectsFile, progress: progress, observe: observe)
    }

    /// Registers the users of CSV or JSON Lines text read from `bytes`; `name` names the input in
    /// messages and in the import batch. See `register(file:…)`.
    ///
    /// `sha256` is the input's digest if the caller knows it already; otherwise it is computed
    /// while reading. `totalBytes`, when known, lets progress reports estimate the time left.
    /// `bytes` is read on a thread of its own (`ReadAhead`), ahead of the rows being written;
    /// the caller must not read it meanwhile.
    public func register(
        bytes: any ByteSource, name: String, format: RegistrationFormat, sha256: String? = nil, totalBytes: Int64? = nil,
        options: RegistrationOptions = .init(), rejectsFile: String? = nil, progress: ((RegistrationProgress) -> Void)? = nil,
        observe: ((RegistrationRowResult) -> Void)? = nil
    ) throws(AdmitError) -> RegistrationSummary {
        let measured = MeasuredByteSource(bytes, hashing: sha256 == nil)
        switch format {
        case .csv:
            let csv = try CSVRegistrationSource(bytes: measured, path: name)
            let rejects = try rejectsFile.map { path throws(AdmitError) in
                try RejectsFile(path: path, layout: .csv(header: csv.header.cells, errorColumn: csv.header.errorColumn))
            }
            let run = try RegistrationRun(
                admission: self, source: name, format: format, options: options, rejects: rejects, progress: progress, observe: observe)
            let reader = ReadAhead(csv, bytes: { measured.count })
            var source = reader
            return try run.run(&source, sha256: sha256, digest: measured.digest, bytes: { reader.bytesRead }, totalBytes: totalBytes)
        case .jsonl:
            let rejects = try rejectsFile.map { path throws(AdmitError) in try RejectsFile(path: path, layout: .jsonLines) }
            let run = try RegistrationRun(
                admission: self, source: name, format: format, options: options, rejects: rejects, progress: progress, observe: observe)
            let reader = ReadAhead(JSONLinesRegistrationSource(bytes: measured, path: name), bytes: { measured.count })
            var source = reader
            return try run.run(&source, sha256: sha256, digest: measured.digest, bytes: { reader.bytesRead }, totalBytes: totalBytes)
        case .oneroster:
            throw .invalidInput(.rosterNotAPath(name: name))
        }
    }

    /// Registers users given as JSON values (the service's `users` array), each read by the
    /// rules of a JSON Lines line: an element that is not an object of string columns is
    /// rejected, not fatal. Positions are 1-based; the batch's SHA-256 is taken over the
    /// elements as JSON Lines. `actor` is recorded in the batch and its audit rows (default: the
    /// configuration's). `observe` is called once per element, in order, with its outcome (a
    /// refused enrolment comes as the row's `reject` with `enrolment` `.refused`).
    public func register(
        json values: [JSONValue], name: String = "request", options: RegistrationOptions = .init(), actor: String? = nil,
        observe: ((RegistrationRowResult) -> Void)? = nil
    ) throws(AdmitError) -> RegistrationSummary {
        let digest = ValuesDigest()
        var source = JSONValuesRegistrationSource(values: values, digest: digest)
        let run = try RegistrationRun(
            admission: self, source: name, format: nil, options: options, actor: actor, rejects: nil, progress: nil, observe: observe)
        return try run.run(&source, sha256: nil, digest: digest.finish, bytes: { digest.count }, totalBytes: nil)
    }
}

/// JSON values from a program, hashed as JSON Lines as they pass.
struct JSONValuesRegistrationSource: RegistrationSource {
    let values: [JSONValue]
    let digest: ValuesDigest
    private var position = 0

    init(values: [JSONValue], digest: ValuesDigest) {
        self.values = values
        self.digest = digest
    }

    mutating func next() throws(AdmitError) -> RegistrationInput? {
        guard position < values.count else { return nil }
        let value = values[position]
        position += 1
        digest.add(value.serializedBytes() + [0x0A])
        return RegistrationInput(json: value, line: position, bytes: nil)
    }
}

/// The SHA-256 and size of the JSON Lines of values given by a program.
final class ValuesDigest {
    private var hasher = SHA256()
    private(set) var count: Int64 = 0

    func add(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
        count += Int64(bytes.count)
    }

    func finish() -> String? { hasher.finalize().hexString }
}
