import NIOCore
import Testing

@testable import AdmitService

/// Framing: lines, `\r\n`, pieces across reads, and the line limit with flat memory.
@Suite struct LineFramerTests {
    func lines(_ frames: [LineFramer.Frame]) -> [String] {
        frames.map { frame in
            switch frame {
            case .line(let line): return String(buffer: line)
            case .tooLong: return "<too long>"
            }
        }
    }

    func feed(_ framer: inout LineFramer, _ text: String) -> [String] {
        var buffer = ByteBuffer(string: text)
        var frames: [LineFramer.Frame] = []
        framer.append(&buffer, to: &frames)
        return lines(frames)
    }

    @Test func linesEndAtNewlineAndACarriageReturnBeforeItIsDropped() {
        var framer = LineFramer(maxLineBytes: 100)
        #expect(feed(&framer, "a\nb\r\n\nc\rd\n") == ["a", "b", "", "c\rd"])
    }

    @Test func aLineInPiecesIsJoined() {
        var framer = LineFramer(maxLineBytes: 100)
        #expect(feed(&framer, "abc") == [])
        #expect(feed(&framer, "def") == [])
        #expect(feed(&framer, "g\nh") == ["abcdefg"])
        #expect(framer.bufferedBytes == 1)
        var frames: [LineFramer.Frame] = []
        framer.finish(to: &frames)
        #expect(lines(frames) == ["h"])
    }

    @Test(arguments: [10, 11])
    func theLimitCountsTheBytesBeforeTheNewline(length: Int) {
        var framer = LineFramer(maxLineBytes: 10)
        let line = String(repeating: "x", count: length)
        #expect(feed(&framer, line + "\nok\n") == (length <= 10 ? [line, "ok"] : ["<too long>", "ok"]))
    }

    @Test func anOversizeLineInPiecesIsReportedOnceAndSkippedToTheNewline() {
        var framer = LineFramer(maxLineBytes: 10)
        #expect(feed(&framer, "12345") == [])
        #expect(feed(&framer, "678901") == ["<too long>"])
        #expect(feed(&framer, "more and more") == [])
        #expect(feed(&framer, "end\nnext\n") == ["next"])
    }

    @Test func aGigabyteWithoutANewlineKeepsMemoryFlat() {
        var framer = LineFramer(maxLineBytes: 1 << 20)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var frames: [LineFramer.Frame] = []
        var largest = 0
        for _ in 0..<(1 << 14) {  // 16,384 × 64 KiB = 1 GiB
            var piece = chunk
            framer.append(&piece, to: &frames)
            largest = max(largest, framer.bufferedBytes)
        }
        #expect(largest <= 1 << 20)
        #expect(frames.count == 1)
        var tail = ByteBuffer(string: "\n{\"ok\":1}\n")
        framer.append(&tail, to: &frames)
        #expect(lines(frames) == ["<too long>", "{\"ok\":1}"])
    }

    @Test func discardForgetsAnUnterminatedLine() {
        var framer = LineFramer(maxLineBytes: 100)
        #expect(feed(&framer, "half a li") == [])
        framer.discard()
        var frames: [LineFramer.Frame] = []
        framer.finish(to: &frames)
        #expect(frames.isEmpty)
    }
}
