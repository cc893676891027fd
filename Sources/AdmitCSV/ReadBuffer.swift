/// The reader's fixed input buffer and its byte-class tables, allocated once per reader.
///
/// A class so that the memory is freed exactly once; the reader only ever reads through the
/// pointers, and the tables never change after creation.
final class ReadBuffer {
    /// The input bytes; `capacity` of them.
    let bytes: UnsafeMutablePointer<UInt8>
    /// How many bytes `bytes` holds.
    let capacity: Int
    /// Non-zero for the bytes that end a run inside an unquoted field: delimiter, `"`, CR, LF, NUL.
    let unquotedStops: UnsafeMutablePointer<UInt8>
    /// Non-zero for the bytes that end a run inside a quoted field: `"`, CR, LF, NUL.
    let quotedStops: UnsafeMutablePointer<UInt8>

    init(capacity: Int, delimiter: UInt8) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
        unquotedStops = .allocate(capacity: 256)
        quotedStops = .allocate(capacity: 256)
        unquotedStops.initialize(repeating: 0, count: 256)
        quotedStops.initialize(repeating: 0, count: 256)
        for stop in [UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0] {
            unquotedStops[Int(stop)] = 1
            quotedStops[Int(stop)] = 1
        }
        unquotedStops[Int(delimiter)] = 1
    }

    deinit {
        bytes.deallocate()
        unquotedStops.deallocate()
        quotedStops.deallocate()
    }
}
