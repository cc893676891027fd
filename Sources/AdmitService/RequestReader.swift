import AdmitJSON
import NIOCore

/// Reads the frames of one read into calls: JSON parsing and request validation, done on the
/// connection's thread so that the worker only runs them.
struct RequestReader: Sendable {
    let limits: ServiceLimits

    /// What one frame of input needs as its reply.
    enum Slot: Sendable {
        /// Nothing: an empty line, a notification, a batch of notifications.
        case none
        /// The reply to one request object.
        case single(Int)
        /// A batch: the replies to these calls, as one array.
        case batch(Range<Int>)
        /// An error that belongs to no request (parse error, line too long, batch too large).
        case error(RPCError)
    }

    /// The calls of a read, and the reply each frame needs.
    struct Read: Sendable {
        var calls: [Call] = []
        var slots: [Slot] = []
    }

    /// Parses the frames of one read.
    func read(_ frames: [LineFramer.Frame]) -> Read {
        var read = Read()
        read.calls.reserveCapacity(frames.count)
        read.slots.reserveCapacity(frames.count)
        for frame in frames {
            read.slots.append(self.read(frame, into: &read.calls))
        }
        return read
    }

    /// Parses one frame, appending its calls.
    private func read(_ frame: LineFramer.Frame, into calls: inout [Call]) -> Slot {
        guard case .line(let line) = frame else { return .error(.lineTooLong(limit: limits.maxLineBytes)) }
        if Self.isBlank(line) { return .none }
        let parsed = line.withUnsafeReadableBytes { bytes in Result { () throws(JSONError) in try JSONParser.parse(bytes) } }
        let value: JSONValue
        switch parsed {
        case .success(let parsedValue): value = parsedValue
        case .failure(let error): return .error(.parse(error))
        }
        guard case .array(let elements) = value else {
            calls.append(Call(value))
            return .single(calls.count - 1)
        }
        guard !elements.isEmpty else { return .error(.invalidRequest("a batch must hold at least one request")) }
        guard elements.count <= limits.maxBatch else { return .error(.batchTooLarge(elements.count, limit: limits.maxBatch)) }
        let start = calls.count
        for element in elements { calls.append(Call(element)) }
        return .batch(start..<calls.count)
    }

    /// Whether a line holds only JSON whitespace (such a line is skipped without a reply).
    private static func isBlank(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }
}
