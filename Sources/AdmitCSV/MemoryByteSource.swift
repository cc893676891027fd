/// A `ByteSource` over bytes held in memory, optionally handed out in chunks of a bounded size.
///
/// `maximumChunkSize` exists for tests: with 1 the reader sees the input one byte per read,
/// which exercises every place where a record, a quote or a CRLF is split between reads.
public struct MemoryByteSource: ByteSource, Sendable {
    /// The whole input.
    public let bytes: [UInt8]
    /// The most bytes one `read(into:)` hands out, or `nil` for as many as fit the buffer.
    public let maximumChunkSize: Int?
    private var offset = 0

    /// Creates a source over `bytes`; `maximumChunkSize`, when given, must be at least 1.
    public init(_ bytes: [UInt8], maximumChunkSize: Int? = nil) {
        if let maximumChunkSize {
            precondition(maximumChunkSize >= 1, "a chunk must hold at least one byte")
        }
        self.bytes = bytes
        self.maximumChunkSize = maximumChunkSize
    }

    /// Creates a source over the UTF-8 bytes of `text`.
    public init(_ text: String, maximumChunkSize: Int? = nil) {
        self.init(Array(text.utf8), maximumChunkSize: maximumChunkSize)
    }

    /// Copies the next chunk into `buffer`; returns 0 once every byte has been handed out.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var count = min(buffer.count, bytes.count - offset)
        if let maximumChunkSize { count = min(count, maximumChunkSize) }
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
