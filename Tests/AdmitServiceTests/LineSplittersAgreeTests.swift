import AdmitCSV
import NIOCore
import Testing

@testable import Admit
@testable import AdmitService

/// The service frames lines with `LineFramer` (NIO buffers, as bytes arrive) and registration
/// reads JSON Lines with `LineReader` (a byte source, in chunks): two splitters of one rule (a
/// line ends at LF, a CR before it is dropped, a last line without LF counts). This holds them
/// to the same lines on random input cut at random places.
@Suite struct LineSplittersAgreeTests {
    @Test(arguments: [1, 2, 3, 4])
    func bothSplitTheSameBytesIntoTheSameLines(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let alphabet: [UInt8] = Array("ab {}\"\\é".utf8) + [0x0D, 0x0A, 0x0A, 0x0D, 0x0A, 0x00, 0xFF]
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in alphabet.randomElement(using: &random)! }

            var framer = LineFramer(maxLineBytes: 1 << 20)
            var frames: [LineFramer.Frame] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...17, using: &random))
                var buffer = ByteBuffer(bytes: bytes[offset..<end])
                framer.append(&buffer, to: &frames)
                offset = end
            }
            framer.finish(to: &frames)
            let framed = frames.map { frame -> [UInt8] in
                guard case .line(let line) = frame else { return [] }
                return Array(line.readableBytesView)
            }

            var reader = LineReader(
                source: MemoryByteSource(bytes), maximumBytes: 1 << 20, chunkSize: Int.random(in: 16...40, using: &random))
            var read: [[UInt8]] = []
            while let line = try reader.next() { read.append(line.bytes) }

            #expect(framed == read, "\(bytes)")
        }
    }

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
