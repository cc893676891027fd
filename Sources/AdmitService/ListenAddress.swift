import NIOCore

/// Where the TCP service listens: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for 127.0.0.1.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `--listen`. A missing host means loopback (127.0.0.1); port 0 picks a free port.
    public init(parsing text: String) throws(ServiceError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .configuration("--listen '\(text)': expected HOST:PORT, e.g. 127.0.0.1:7700")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .configuration("--listen '\(text)': the port must be a number from 0 to 65535")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether the address is on loopback only (127.0.0.0/8, ::1 or `localhost`).
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        guard let address = try? SocketAddress(ipAddress: host, port: port) else { return false }
        return ConnectionHandler.isLoopback(address)
    }
}

extension ListenAddress {
    /// The host and port of a socket address (`unknown` and 0 where it has none).
    init(_ address: SocketAddress) {
        self.init(host: address.ipAddress ?? "unknown", port: address.port ?? 0)
    }
}
