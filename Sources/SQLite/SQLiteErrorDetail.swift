import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sentences Admit adds to SQLite's own error message (`SQLiteError.detail`): what a busy,
/// I/O or read-only result code means here, why a file cannot be opened, whether a corrupt file
/// looks truncated. Each is worded once, here.
enum SQLiteErrorDetail {
    /// What result code `rc` (extended) means, for the codes where SQLite's message says too
    /// little; `db` for the system errno and the transaction state when there is a connection.
    static func detail(for rc: Int32, db: OpaquePointer?, busyTimeout: Duration) -> String? {
        let primary = rc & 0xFF
        switch primary {
        case SQLITE_BUSY:
            let waited = "waited \(formatSeconds(busyTimeout))"
            switch rc {
            case ExtendedResultCode.busySnapshot:
                return "another connection wrote since this transaction started reading, so it cannot write;"
                    + " roll back and retry, or start write transactions with begin immediate"
            case ExtendedResultCode.busyRecovery:
                return "another connection is recovering the write-ahead log; \(waited)"
            case ExtendedResultCode.busyTimeout:
                return "timed out waiting for a write-ahead-log lock; \(waited)"
            default:
                // SQLite does not call the busy handler when this connection already holds a read
                // transaction and needs the write lock (it could deadlock), so it failed at once.
                if let db, sqlite3_txn_state(db, nil) == SQLITE_TXN_READ {
                    return "another connection or process holds the write lock; not waited because this"
                        + " transaction already holds a read snapshot: use begin immediate for write transactions"
                }
                return "another connection or process holds the write lock; \(waited)"
            }
        case SQLITE_IOERR:
            var parts: [String] = []
            switch rc {
            case ExtendedResultCode.ioerrShortRead: parts.append("short read: the file may be truncated")
            case ExtendedResultCode.ioerrRead: parts.append("read failed")
            case ExtendedResultCode.ioerrWrite: parts.append("write failed")
            case ExtendedResultCode.ioerrFsync, ExtendedResultCode.ioerrDirFsync: parts.append("fsync failed")
            case ExtendedResultCode.ioerrTruncate: parts.append("truncate failed")
            case ExtendedResultCode.ioerrLock, ExtendedResultCode.ioerrRdlock, ExtendedResultCode.ioerrUnlock,
                ExtendedResultCode.ioerrCheckreservedlock:
                parts.append("file locking failed")
            case ExtendedResultCode.ioerrShmopen, ExtendedResultCode.ioerrShmsize, ExtendedResultCode.ioerrShmmap,
                ExtendedResultCode.ioerrShmlock:
                parts.append("shared-memory (-shm) file failed")
            default: break
            }
            if let db {
                let errno = sqlite3_system_errno(db)
                if errno != 0 { parts.append(systemMessage(errno)) }
            }
            return parts.isEmpty ? nil : parts.joined(separator: ": ")
        case SQLITE_READONLY:
            switch rc {
            case ExtendedResultCode.readonlyDbmoved: return "the database file was moved or deleted while open"
            case ExtendedResultCode.readonlyDirectory: return "the directory holding the database is read-only"
            case ExtendedResultCode.readonlyCantinit, ExtendedResultCode.readonlyCantlock:
                return "cannot create or lock the write-ahead-log shared-memory file"
            case ExtendedResultCode.readonlyRecovery: return "the write-ahead log needs recovery but the connection is read-only"
            case ExtendedResultCode.readonlyRollback: return "a hot journal needs rolling back but the connection is read-only"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Why `sqlite3_open_v2` failed with `SQLITE_CANTOPEN`, from the file system.
    static func cantOpenDetail(path: String, create: Bool, systemErrno: Int32) -> String? {
        let parent = parentDirectory(of: path)
        var info = stat()
        if stat(parent, &info) != 0 {
            return errno == ENOTDIR ? "a parent path component is not a directory" : "directory does not exist"
        }
        if (info.st_mode & S_IFMT) != S_IFDIR { return "a parent path component is not a directory" }
        if stat(path, &info) != 0 {
            let statErrno = errno
            guard statErrno == ENOENT else { return systemMessage(statErrno) }
            guard create else { return "file does not exist" }
            // sqlite3_system_errno is not reliable here (SQLite retries read-only and reports
            // that attempt's ENOENT), so ask the file system directly.
            if access(parent, W_OK | X_OK) != 0 {
                return "cannot create the file in \(parent): " + systemMessage(errno)
            }
            let reason = systemErrno != 0 && systemErrno != ENOENT ? ": " + systemMessage(systemErrno) : ""
            return "cannot create the file in \(parent)" + reason
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "path is a directory" }
        if access(path, R_OK) != 0 { return systemMessage(errno) }
        if systemErrno != 0 { return systemMessage(systemErrno) }
        return nil
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text).lowercased()
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `5.0 s`, `0.2 s`, `0.25 s`, `0.005 s`.
    static func formatSeconds(_ duration: Duration) -> String {
        let ms = DatabaseHandle.milliseconds(duration)
        let whole = ms / 1000
        let frac = ms % 1000
        if frac % 100 == 0 { return "\(whole).\(frac / 100) s" }
        var digits = String(frac)
        while digits.count < 3 { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits) s"
    }

    /// For `SQLITE_CORRUPT` at open: says whether the file is shorter than its header claims
    /// (the usual sign of a truncated copy), reading the 100-byte header directly.
    static func truncationDetail(path: String) -> String? {
        var walInfo = stat()
        if stat(path + "-wal", &walInfo) == 0, walInfo.st_size > 0 { return nil }  // pages may live in the WAL
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var header = [UInt8](repeating: 0, count: 100)
        let count = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 100, 0) }
        guard count == 100, header.starts(with: Array("SQLite format 3\0".utf8)) else { return nil }
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        let pageCount = header[28..<32].reduce(0) { $0 << 8 | Int($1) }
        let expected = pageSize * pageCount
        let actual = Int(info.st_size)
        guard pageCount > 0, actual < expected else { return nil }
        return "the file has \(actual) bytes but its header says \(pageCount) pages of \(pageSize) bytes"
            + " = \(expected): truncated"
    }
}
