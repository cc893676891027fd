/// Why the service could not start or run, in one lowercase line.
public enum ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A bad option or file: a listen address, the token file, a limit.
    case configuration(String)
    /// The socket could not be bound or standard input could not be read.
    case transport(String)

    public var description: String {
        switch self {
        case .configuration(let text): return text
        case .transport(let text): return text
        }
    }
}
