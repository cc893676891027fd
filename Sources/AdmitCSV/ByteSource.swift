/// A stream of bytes that a `CSVReader` pulls its input from, one chunk at a time.
///
/// `read(into:)` fills a prefix of `buffer` and returns how many bytes it wrote, at most
/// `buffer.count`; it returns 0 only at the end of the input. It may return fewer bytes than
/// asked for at any time (a pipe, a socket, a test feeding one byte at a time): the reader
/// gives the same rows whatever the chunk sizes are. An error thrown here reaches the caller of
/// `CSVReader.next()` as a `CSVReadError`.
public protocol ByteSource {
    /// Copies the next bytes of the input into `buffer` and returns their count, 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
