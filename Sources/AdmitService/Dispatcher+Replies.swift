import AdmitJSON
import NIOCore

extension Dispatcher {
    /// Writes the reply line for one frame, if it has one.
    func write(_ slot: Slot, calls: [Call], answers: [Answer], into out: inout ByteBuffer) {
        switch slot {
        case .none:
            return
        case .error(let error):
            writer.reset()
            writeResponse(id: .null, .failure(error))
        case .single(let index):
            guard let id = calls[index].id else { return }
            writer.reset()
            writeResponse(id: id, answers[index])
        case .batch(let range):
            // A batch of notifications gets no reply at all, not an empty array.
            guard range.contains(where: { calls[$0].id != nil }) else { return }
            writer.reset()
            writer.beginArray()
            for index in range {
                if let id = calls[index].id { writeResponse(id: id, answers[index]) }
            }
            writer.endArray()
        }
        _ = writer.withUnsafeBytes { out.writeBytes($0) }
        out.writeInteger(UInt8(ascii: "\n"))
    }

    private func writeResponse(id: RequestID, _ answer: Answer) {
        Reply.write(id: id, answer, to: &writer)
    }
}
