import AdmitCSV

/// Splits a byte stream into lines at LF (a CR before the LF is dropped), in bounded memory.
///
/// A line longer than `maximumBytes` is not kept: it comes back with `isTooLong` set and only
/// its first `maximumBytes` bytes, and reading goes on at the next line.
struct LineReader<Source: ByteSource> {
    struct Line {
        /// 1-based.
        var number: Int
        var bytes: [UInt8]
        var isTooLong: Bool
    }

    private var source: Source
    private let maximumBytes: Int
    private var chunk: [UInt8]
    private var position = 0
    private var filled = 0
    private var ended = false
    private var number = 0

    init(source: Source, maximumBytes: Int, chunkSize: Int = 64 << 10) {
        self.source = source
        self.maximumBytes = maximumBytes
        chunk = [UInt8](repeating: 0, count: max(chunkSize, 16))
    }

    /// The next line, or nil at the end of the input (a final line without LF still counts).
    mutating func next() throws -> Line? {
        var line: [UInt8] = []
        var isTooLong = false
        var sawAny = false
        while true {
            if position == filled {
                if ended { break }
                var buffer = chunk
                chunk = []
                defer { chunk = buffer }
                filled = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                position = 0
                if filled == 0 {
                    ended = true
                    break
                }
            }
            sawAny = true
            let start = position
            let end = filled
            let newline = chunk.withUnsafeBufferPointer { buffer -> Int? in
                var i = start
                while i < end {
                    if buffer[i] == 0x0A { return i }
                    i += 1
                }
                return nil
            }
            let stop = newline ?? end
            let room = maximumBytes - line.count
            if stop - start > room {
                isTooLong = true
                if room > 0 { line.append(contentsOf: chunk[start..<(start + room)]) }
            } else if !isTooLong {
                line.append(contentsOf: chunk[start..<stop])
            }
            position = newline.map { $0 + 1 } ?? end
            if newline != nil {
                return finish(line, isTooLong: isTooLong)
            }
        }
        guard sawAny, !line.isEmpty || isTooLong else { return nil }
        return finish(line, isTooLong: isTooLong)
    }

    private mutating func finish(_ bytes: [UInt8], isTooLong: Bool) -> Line {
        number += 1
        var bytes = bytes
        if !isTooLong, bytes.last == 0x0D { bytes.removeLast() }
        return Line(number: number, bytes: bytes, isTooLong: isTooLong)
    }
}
