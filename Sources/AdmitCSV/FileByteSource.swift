#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `ByteSource` over a POSIX file descriptor: a file opened by path, or standard input.
///
/// The path `-` means standard input (descriptor 0), which is read but never closed. A file this
/// source opened is closed when the source is released, or earlier by `close()`. Reads retry
/// on `EINTR`; errors carry the path and the system's text for `errno`.
public final class FileByteSource: ByteSource {
    /// The path given at creation, `-` for standard input.
    public let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading, or takes standard input for `-`.
    public init(path: String) throws(CSVReadError) {
        self.path = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            return
        }
        var opened: Int32
        repeat {
            opened = open(path, O_RDONLY | O_CLOEXEC)
        } while opened < 0 && errno == EINTR
        guard opened >= 0 else {
            throw CSVReadError(operation: .open, path: path, errorNumber: errno)
        }
        descriptor = opened
        ownsDescriptor = true
    }

    /// Reads from a descriptor the caller owns and keeps open; `path` only names it in errors.
    public init(descriptor: Int32, path: String) {
        self.path = path
        self.descriptor = descriptor
        ownsDescriptor = false
    }

    deinit {
        close()
    }

    /// Reads the next bytes with `read(2)`; returns 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard descriptor >= 0 else {
            throw CSVReadError(operation: .read, path: path, errorNumber: EBADF)
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
                let count = Glibc.read(descriptor, base, buffer.count)
            #else
                let count = Darwin.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno != EINTR {
                throw CSVReadError(operation: .read, path: path, errorNumber: errno)
            }
        }
    }

    /// Closes the descriptor if this source opened it; later reads fail with `EBADF`.
    public func close() {
        if ownsDescriptor && descriptor >= 0 {
            #if canImport(Glibc)
                _ = Glibc.close(descriptor)
            #else
                _ = Darwin.close(descriptor)
            #endif
        }
        descriptor = -1
    }
}
