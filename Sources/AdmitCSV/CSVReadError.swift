#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The input could not be opened or read: the only error `CSVReader.next()` throws.
///
/// Malformed records are not errors: they come back as rows with a `CSVProblem`. After a
/// `CSVReadError` the reader's position is unknown; stop reading.
public struct CSVReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done when the failure happened.
    public enum Operation: String, Sendable, Hashable {
        /// Opening the file.
        case open
        /// Reading the next bytes.
        case read
    }

    /// What was being done.
    public let operation: Operation
    /// The file path, `-` for standard input, or a name a custom source chose.
    public let path: String
    /// The `errno` value when the failure came from the system, else `nil`.
    public let errorNumber: Int32?
    /// The system's text for `errorNumber`, or the description of a custom source's error.
    public let reason: String

    /// Creates an error; `reason` defaults to the system's text for `errorNumber`.
    public init(operation: Operation, path: String, errorNumber: Int32?, reason: String? = nil) {
        self.operation = operation
        self.path = path
        self.errorNumber = errorNumber
        if let reason {
            self.reason = reason
        } else if let errorNumber, let text = strerror(errorNumber) {
            self.reason = String(cString: text)
        } else {
            self.reason = "unknown error"
        }
    }

    /// Wraps an error thrown by a `ByteSource` that is not already a `CSVReadError`.
    init(wrapping error: any Error) {
        if let error = error as? CSVReadError {
            self = error
        } else {
            self.init(
                operation: .read, path: "<source>", errorNumber: nil,
                reason: String(describing: error))
        }
    }

    /// One line, compiler-style: `users.csv: error: cannot read: input/output error`.
    public var description: String {
        "\(path): error: cannot \(operation.rawValue): \(Self.lowercasingFirst(reason))"
    }

    private static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
