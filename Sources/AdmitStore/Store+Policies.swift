import AdmitDomain
import SQLite

/// One stored file of a policy version.
public struct StoredPolicyFile: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

extension Store {
    /// Stores a policy version and its files unless it is already there; true when it was new.
    /// Call inside `write`.
    public func recordPolicyVersion(hash: String, files: [StoredPolicyFile], at now: Instant) throws(StoreError) -> Bool {
        try run {
            try connection.run(
                "INSERT INTO policy_versions(hash, first_loaded_at) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING", hash,
                now.millisecondsSinceEpoch)
            guard connection.changes == 1 else { return false }
            for file in files {
                try connection.run("INSERT INTO policy_files(version_hash, path, text) VALUES (?, ?, ?)", hash, file.path, file.text)
            }
            return true
        }
    }

    /// The files of a stored policy version, or nil when the version is unknown.
    public func policyFiles(hash: String) throws(StoreError) -> [StoredPolicyFile]? {
        try read {
            let files = try connection.query("SELECT path, text FROM policy_files WHERE version_hash = ? ORDER BY path", hash) {
                StoredPolicyFile(path: $0.string(0) ?? "", text: $0.string(1) ?? "")
            }
            let known = try connection.queryFirst("SELECT 1 FROM policy_versions WHERE hash = ?", hash) { $0.int(0) } != nil
            return known ? files : nil
        }
    }

    /// The policy version the log last names (the last decision, policy load or other row that
    /// names one), if any.
    public func latestPolicyHash() throws(StoreError) -> String? {
        try run {
            let latest = try connection.queryFirst(
                """
                SELECT policy FROM (
                    SELECT seq, policy FROM (SELECT seq, policy FROM audit_decisions ORDER BY seq DESC LIMIT 1)
                    UNION ALL
                    SELECT seq, policy FROM (SELECT seq, policy FROM audit_events WHERE policy IS NOT NULL ORDER BY seq DESC LIMIT 1)
                    UNION ALL
                    SELECT seq, policy FROM (SELECT seq, policy FROM audit_changes WHERE policy IS NOT NULL ORDER BY seq DESC LIMIT 1)
                ) ORDER BY seq DESC LIMIT 1
                """
            ) { $0.int64(0) }
            if let latest { return try text(latest) }
            return try connection.queryFirst(
                "SELECT policy_hash FROM audit_log_v1 WHERE policy_hash IS NOT NULL ORDER BY seq DESC LIMIT 1"
            ) { $0.string(0) } ?? nil
        }
    }
}

extension Store {
    /// Every stored policy version's hash and first load, oldest first.
    public func policyVersions() throws(StoreError) -> [(hash: String, firstLoadedAt: Instant)] {
        try read {
            try connection.query("SELECT hash, first_loaded_at FROM policy_versions ORDER BY first_loaded_at, hash") {
                (hash: $0.string(0) ?? "", firstLoadedAt: Instant(millisecondsSinceEpoch: $0.int64(1)))
            }
        }
    }
}
