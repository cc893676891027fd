import NIOCore

/// Bytes in, reads of requests out: the line framing and request parsing every transport shares.
///
/// Feed it what arrived (`append`, then `finish` at the end of input) and `take` the requests of
/// the complete lines so far, as one read.
struct RequestStream {
    private var framer: LineFramer
    private let reader: RequestReader
    private var frames: [LineFramer.Frame] = []

    init(limits: ServiceLimits) {
        framer = LineFramer(maxLineBytes: limits.maxLineBytes)
        reader = RequestReader(limits: limits)
    }

    /// Frames the bytes of `buffer` (consuming them).
    mutating func append(_ buffer: inout ByteBuffer) {
        framer.append(&buffer, to: &frames)
    }

    /// The end of input: a last line without a newline still counts.
    mutating func finish() {
        framer.finish(to: &frames)
    }

    /// Drops the line still arriving, and every line not yet taken.
    mutating func discard() {
        framer.discard()
        frames.removeAll()
    }

    /// The requests of the lines framed since the last call; nil when there are none.
    mutating func take() -> RequestReader.Read? {
        guard !frames.isEmpty else { return nil }
        defer { frames.removeAll(keepingCapacity: true) }
        return reader.read(frames)
    }
}
