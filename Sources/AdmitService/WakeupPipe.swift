import Foundation

/// A pipe whose read end becomes readable when `signal()` is called: it wakes a thread that
/// waits in `poll` on standard input.
final class WakeupPipe: Sendable {
    let readEnd: CInt
    let writeEnd: CInt

    init() throws(ServiceError) {
        var ends: [CInt] = [0, 0]
        guard pipe(&ends) == 0 else { throw .transport("cannot create a pipe (errno \(errno))") }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Makes the read end readable (and keeps it so).
    func signal() {
        var byte: UInt8 = 1
        _ = Foundation.write(writeEnd, &byte, 1)
    }

    func close() {
        _ = Foundation.close(readEnd)
        _ = Foundation.close(writeEnd)
    }
}
