import Foundation

/// A trivial echo server: every connection gets back the bytes it sends, on a thread of its own.
/// The floor of one request in flight over TCP (no framing, no parsing, no database).
enum EchoServer {
    static func serve(_ address: String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw LoadError("--echo wants HOST:PORT")
        }
        let host = String(address[..<colon])
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw LoadError("socket failed") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host.isEmpty ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
            throw LoadError("--echo: '\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw LoadError("cannot listen on \(address) (errno \(errno))") }
        FileHandle.standardError.write(Data("echo server listening on \(address)\n".utf8))
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    var offset = 0
                    while offset < count {
                        let written = buffer.withUnsafeBytes { write(connection, $0.baseAddress! + offset, count - offset) }
                        if written <= 0 { break }
                        offset += written
                    }
                }
                close(connection)
            }
            thread.start()
        }
    }
}
