/// How a registration file is written.
public enum RegistrationFormat: String, CaseIterable, Sendable, Hashable {
    /// RFC 4180 CSV with a header row.
    case csv
    /// JSON Lines: one JSON object per line, keys as the CSV columns.
    case jsonl
    /// A OneRoster 1.1 or 1.2 CSV package, a folder or a `.zip` (`Admission.register(oneRoster:…)`).
    case oneroster

    /// The format a file name's ending suggests: `.jsonl`, `.ndjson` and `.json` are JSON Lines,
    /// anything else (standard input included) CSV.
    public init(path: String) {
        let lower = path.lowercasedASCII()
        self = [".jsonl", ".ndjson", ".json"].contains(where: { lower.hasSuffix($0) }) ? .jsonl : .csv
    }
}
