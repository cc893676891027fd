import Foundation
import Testing

@testable import Admit

/// `ReadAhead`: the rows of a source read on another thread come out as reading the source
/// itself would give them, an error where it was thrown, and an early end stops the reader.
@Suite struct ReadAheadTests {
    /// How far a source was read, and whether it was let go of.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var read = 0
        private var released = false
        var rowsRead: Int { lock.withLock { read } }
        var wasReleased: Bool { lock.withLock { released } }
        func count() -> Int {
            lock.withLock {
                read += 1
                return read
            }
        }
        func release() { lock.withLock { released = true } }
    }

    /// Rows numbered 1…`count` (the number in `line`), then `failure` if given.
    final class Numbered: RegistrationSource, @unchecked Sendable {
        let count: Int
        let failure: AdmitError?
        let tally: Tally
        var rowsRead: Int { tally.rowsRead }

        init(count: Int, failure: AdmitError? = nil, tally: Tally = Tally()) {
            self.count = count
            self.failure = failure
            self.tally = tally
        }

        deinit { tally.release() }

        func next() throws(AdmitError) -> RegistrationInput? {
            let n = tally.count()
            if n > count {
                if let failure, n == count + 1 { throw failure }
                return nil
            }
            return RegistrationInput(content: .row(RegistrationRow(line: n)), original: .none)
        }
    }

    static func lines(_ source: some RegistrationSource) -> (lines: [Int], error: AdmitError?) {
        var source = source
        var lines: [Int] = []
        do {
            while let input = try source.next() {
                guard case .row(let row) = input.content else { break }
                lines.append(row.line)
            }
            return (lines, nil)
        } catch {
            return (lines, error)
        }
    }

    @Test(arguments: [0, 1, ReadAhead.batchSize - 1, ReadAhead.batchSize, ReadAhead.batchSize + 1, 10 * ReadAhead.batchSize, 5_003])
    func everyRowComesOutOnceInOrder(count: Int) {
        let reader = ReadAhead(Numbered(count: count), bytes: { 0 })
        let (lines, error) = Self.lines(reader)
        #expect(error == nil)
        #expect(lines == Array(stride(from: 1, through: count, by: 1)))
        Self.expectTheEnd(reader)
    }

    /// After the end (or the error), the end, not the error again.
    static func expectTheEnd(_ reader: ReadAhead) {
        do {
            let after = try reader.next()
            #expect(after == nil)
        } catch {
            Issue.record("threw again: \(error)")
        }
    }

    @Test(arguments: [0, 3, ReadAhead.batchSize, 2 * ReadAhead.batchSize + 7])
    func anErrorComesOutAfterTheRowsBeforeIt(count: Int) {
        let failure = AdmitError.fileUnreadable(path: "users.csv", reason: "cannot read: input/output error")
        let reader = ReadAhead(Numbered(count: count, failure: failure), bytes: { 0 })
        let (lines, error) = Self.lines(reader)
        #expect(lines.count == count)
        #expect(error?.description == failure.description)
        Self.expectTheEnd(reader)
    }

    @Test func theBytesReadAreThoseOfTheLastBatchTaken() throws {
        let source = Numbered(count: 3 * ReadAhead.batchSize)
        // The source's count of rows read stands for its bytes.
        let reader = ReadAhead(source, bytes: { Int64(source.rowsRead) })
        #expect(reader.bytesRead == 0)
        _ = try reader.next()
        #expect(reader.bytesRead == Int64(ReadAhead.batchSize))
        for _ in 1..<ReadAhead.batchSize { _ = try reader.next() }
        #expect(reader.bytesRead == Int64(ReadAhead.batchSize))
        _ = try reader.next()
        #expect(reader.bytesRead == Int64(2 * ReadAhead.batchSize))
    }

    @Test func readingStaysABoundedWayAheadAndStopsWhenTheRunLetsGo() async throws {
        let tally = Tally()
        var reader: ReadAhead? = ReadAhead(Numbered(count: 1_000_000, tally: tally), bytes: { 0 })
        _ = try reader?.next()
        // The reader fills its queue, then waits: it never reads the whole input ahead. At most:
        // the batch taken, `depth` waiting, one more read and waiting to be put.
        let bound = (ReadAhead.depth + 2) * ReadAhead.batchSize
        try await Task.sleep(for: .milliseconds(200))
        #expect(tally.rowsRead <= bound)
        #expect(!tally.wasReleased)
        // Letting go stops the thread and waits for it, which lets go of the source first.
        reader = nil
        #expect(tally.wasReleased, "the source was let go of before the run went on")
        #expect(tally.rowsRead <= bound)
    }
}
