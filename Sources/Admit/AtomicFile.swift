#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing a whole file so that a reader sees the old file or the new one, never a part.
public enum AtomicFile {
    /// Writes `bytes` to a new temporary file beside `path` (`.NAME.PID.RANDOM.tmp`), flushes it to
    /// disk and renames it over `path`; on any failure the temporary file is removed and `path` is
    /// untouched. The file gets mode 0644 less the process's umask, like a file the shell creates.
    public static func write(_ bytes: [UInt8], to path: String) throws(AdmitError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else { throw .invalidInput(.notAFile(path: path)) }
        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<100 where descriptor < 0 {
            temporary = folder + "." + name + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
            repeat {
                descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            } while descriptor < 0 && errno == EINTR
            if descriptor < 0 && errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw failure(path, "cannot create a file beside it") }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        do {
            defer { _ = close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer -> Int in
                    #if canImport(Glibc)
                        Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    #else
                        Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    #endif
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "cannot write")
                }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw failure(path, "cannot flush to disk") }
        }
        guard rename(temporary, path) == 0 else { throw failure(path, "cannot replace") }
        succeeded = true
    }

    private static func failure(_ path: String, _ what: String) -> AdmitError {
        let reason = String(cString: strerror(errno)).lowercased()
        return .fileUnreadable(path: path, reason: "\(what): \(reason)")
    }
}
