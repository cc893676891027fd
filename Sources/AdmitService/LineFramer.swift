import Foundation
import NIOCore

/// Splits a byte stream into lines: the framing of the JSON-lines protocol.
///
/// A line ends at `\n`; one `\r` before it is dropped, so `\r\n` works too. A line longer than
/// `maxLineBytes` (counting the bytes before its `\n`) is never kept: the framer reports it once
/// with `.tooLong` as soon as it passes the limit and then drops bytes up to the next `\n`, so
/// memory stays at most `maxLineBytes` however long the line is. At the end of the input
/// (`finish`) an unterminated last line counts as a line.
///
/// Lines are slices of the buffers given to `append`: no copy, except for a line that arrives
/// in pieces across several reads.
struct LineFramer: Sendable {
    /// What the framer found in the input.
    enum Frame: Sendable {
        /// A complete line, without its `\n` (or `\r\n`).
        case line(ByteBuffer)
        /// A line longer than the limit; its bytes are dropped up to the next `\n`.
        case tooLong
    }

    let maxLineBytes: Int
    /// The start of a line whose `\n` has not arrived yet.
    private var partial: ByteBuffer?
    /// Whether the current line has passed the limit and is being dropped.
    private var skipping = false

    init(maxLineBytes: Int) {
        precondition(maxLineBytes > 0, "a line limit must be positive")
        self.maxLineBytes = maxLineBytes
    }

    /// How many bytes of an unterminated line the framer holds.
    var bufferedBytes: Int { partial?.readableBytes ?? 0 }

    /// Consumes all of `buffer`, appending the frames it completes to `frames`.
    mutating func append(_ buffer: inout ByteBuffer, to frames: inout [Frame]) {
        while buffer.readableBytes > 0 {
            let newline = Self.firstNewline(in: buffer)
            if skipping {
                guard let newline else {
                    buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                    return
                }
                buffer.moveReaderIndex(forwardBy: newline + 1)
                skipping = false
                continue
            }
            let held = partial?.readableBytes ?? 0
            guard let newline else {
                if held + buffer.readableBytes > maxLineBytes {
                    frames.append(.tooLong)
                    partial = nil
                    skipping = true
                    buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                } else {
                    // Copied: the rest of this read must not pin the whole receive buffer.
                    var start = partial ?? ByteBufferAllocator().buffer(capacity: Swift.max(buffer.readableBytes * 2, 256))
                    partial = nil  // keep `start` uniquely referenced, so appending does not copy it
                    start.writeBuffer(&buffer)
                    partial = start
                }
                return
            }
            if held + newline > maxLineBytes {
                frames.append(.tooLong)
                partial = nil
                buffer.moveReaderIndex(forwardBy: newline + 1)
                continue
            }
            // `newline` bytes are readable: the newline was found after them.
            var line = buffer.getSlice(at: buffer.readerIndex, length: newline) ?? ByteBuffer()
            buffer.moveReaderIndex(forwardBy: newline + 1)
            if var start = partial {
                partial = nil
                start.writeBuffer(&line)
                line = start
            }
            Self.dropCarriageReturn(&line)
            frames.append(.line(line))
        }
    }

    /// Ends the input: an unterminated last line becomes a frame.
    mutating func finish(to frames: inout [Frame]) {
        if var line = partial {
            partial = nil
            Self.dropCarriageReturn(&line)
            frames.append(.line(line))
        }
        skipping = false
    }

    /// Forgets an unterminated line (the peer went away in the middle of it).
    mutating func discard() {
        partial = nil
        skipping = false
    }

    /// The offset of the first `\n` among the readable bytes (memchr: this is the hot loop).
    private static func firstNewline(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base, Int32(UInt8(ascii: "\n")), bytes.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    private static func dropCarriageReturn(_ line: inout ByteBuffer) {
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
    }
}
