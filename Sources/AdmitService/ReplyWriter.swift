import AdmitJSON
import NIOCore

/// Writes the reply lines of one read: one line per frame that needs a reply, in frame order.
///
/// Each connection (standard input and output is one too) has its own, on its event loop; its
/// JSON buffer is reused from read to read.
struct ReplyWriter {
    private var writer = JSONWriter(reservingCapacity: 4096)

    /// Appends the replies for `read`, whose calls came to `answers`, to `out`.
    mutating func write(_ read: RequestReader.Read, answers: [Dispatcher.Answer], into out: inout ByteBuffer) {
        for slot in read.slots {
            write(slot, calls: read.calls, answers: answers, into: &out)
        }
    }

    private mutating func write(_ slot: RequestReader.Slot, calls: [Call], answers: [Dispatcher.Answer], into out: inout ByteBuffer) {
        switch slot {
        case .none:
            return
        case .error(let error):
            writer.reset()
            Reply.write(id: .null, .failure(error), to: &writer)
        case .single(let index):
            guard let id = calls[index].id else { return }
            writer.reset()
            Reply.write(id: id, answers[index], to: &writer)
        case .batch(let range):
            // A batch of notifications gets no reply at all, not an empty array.
            guard range.contains(where: { calls[$0].id != nil }) else { return }
            writer.reset()
            writer.beginArray()
            for index in range {
                if let id = calls[index].id { Reply.write(id: id, answers[index], to: &writer) }
            }
            writer.endArray()
        }
        _ = writer.withUnsafeBytes { out.writeBytes($0) }
        out.writeInteger(UInt8(ascii: "\n"))
    }
}
