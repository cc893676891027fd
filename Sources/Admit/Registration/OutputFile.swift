#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written from the start (created or truncated), through `write(2)`, with errors in words.
final class OutputFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws(AdmitError) {
        self.path = path
        var opened: Int32
        repeat {
            opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        } while opened < 0 && errno == EINTR
        guard opened >= 0 else { throw OutputFile.failure(path, "cannot create") }
        descriptor = opened
    }

    deinit { close() }

    /// Writes every byte, retrying short writes and `EINTR`.
    func write(_ bytes: [UInt8]) throws(AdmitError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                #if canImport(Glibc)
                    return Glibc.write(descriptor, base + offset, buffer.count - offset)
                #else
                    return Darwin.write(descriptor, base + offset, buffer.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFile.failure(path, "cannot write")
            }
            offset += written
        }
    }

    /// Closes the file; later writes fail.
    func close() {
        if descriptor >= 0 {
            #if canImport(Glibc)
                _ = Glibc.close(descriptor)
            #else
                _ = Darwin.close(descriptor)
            #endif
            descriptor = -1
        }
    }

    private static func failure(_ path: String, _ what: String) -> AdmitError {
        let reason = String(cString: strerror(errno)).lowercased()
        return .fileUnreadable(path: path, reason: "\(what): \(reason)")
    }
}
