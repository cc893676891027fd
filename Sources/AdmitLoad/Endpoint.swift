import Foundation

/// A byte stream to the service: a TCP connection or the pipes of a spawned process.
final class Endpoint: @unchecked Sendable {
    let input: CInt  // we read replies here
    let output: CInt  // we write requests here
    private let process: Process?

    init(connect address: String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw LoadError("--connect wants HOST:PORT")
        }
        var host = String(address[..<colon])
        if host.isEmpty { host = "127.0.0.1" }
        if host == "localhost" { host = "127.0.0.1" }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadError("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw LoadError("--connect: '\(host)' is not an IPv4 address") }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw LoadError("cannot connect to \(address) (errno \(errno))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        input = fd
        output = fd
        process = nil
    }

    init(spawn command: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let requests = Pipe()
        let replies = Pipe()
        process.standardInput = requests
        process.standardOutput = replies
        try process.run()
        input = replies.fileHandleForReading.fileDescriptor
        output = requests.fileHandleForWriting.fileDescriptor
        self.process = process
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(output, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw LoadError("write failed (errno \(errno))")
                }
                offset += written
            }
        }
    }

    /// Reads what is there (blocking until something is); 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = Foundation.read(input, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR { continue }
            return max(count, 0)
        }
    }

    /// Ends the requests: shuts down the sending side, or closes the spawned process's input and waits for it.
    func finish() {
        if let process {
            close(output)
            process.waitUntilExit()
        } else {
            shutdown(output, Int32(SHUT_WR))
        }
    }
}
