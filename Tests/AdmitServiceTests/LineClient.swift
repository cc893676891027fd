import Foundation

/// A blocking TCP client for tests: sends text, reads reply lines. Use it from its own thread.
final class LineClient: @unchecked Sendable {
    let fd: CInt
    private var pending: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ClientError("cannot connect to port \(port) (errno \(errno))")
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        try send(bytes: Array(text.utf8))
    }

    func send(bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw ClientError("write failed (errno \(errno))") }
            offset += written
        }
    }

    /// The next `count` lines (fewer if the server closes first).
    func readLines(_ count: Int) throws -> [String] {
        var lines: [String] = []
        while lines.count < count {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
                continue
            }
            guard try fill() else { break }
        }
        return lines
    }

    /// Every line until the server closes the connection.
    func readToEnd() throws -> [String] {
        try readLines(.max)
    }

    /// Reads more bytes; false at the end of the stream.
    private func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { throw ClientError("read failed (errno \(errno))") }
        if count == 0 { return false }
        pending += buffer[..<count]
        return true
    }

    /// Sends `text` from another thread while the caller reads, as a pipelining client must
    /// (sending everything before reading can fill both directions' buffers and stall).
    func sendInBackground(_ text: String) {
        let bytes = Array(text.utf8)
        let thread = Thread { [self] in try? send(bytes: bytes) }
        thread.start()
    }

    /// Stops sending (the server sees the end of input).
    func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs blocking `body` on a thread of its own (never on the cooperative pool).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
