import Foundation
import Testing

@testable import Admit

/// `ReadAhead`: the rows of a source read on another thread come out as reading the source
/// itself would give them, an error where it was thrown, and an early end stops the reader.
@Suite struct ReadAheadTests {
    /// Rows numbered 1…`count` (the number in `line`), then `failure` if given; counts how far
    /// it was read.
    final class Numbered: RegistrationSource, @unchecked Sendable {
        let count: Int
        let failure: AdmitError?
        private let lock = NSLock()
        private var read = 0
        var rowsRead: Int { lock.withLock { read } }

        init(count: Int, failure: AdmitError? = nil) {
            self.count = count
            self.failure = failure
        }

        func next() throws(AdmitError) -> RegistrationInput? {
            let n = lock.withLock {
                read += 1
                return read
            }
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
        // After the end, the end again.
        #expect((try? reader.next()) == nil)
    }

    @Test(arguments: [0, 3, ReadAhead.batchSize, 2 * ReadAhead.batchSize + 7])
    func anErrorComesOutAfterTheRowsBeforeIt(count: Int) {
        let failure = AdmitError.fileUnreadable(path: "users.csv", reason: "cannot read: input/output error")
        let reader = ReadAhead(Numbered(count: count, failure: failure), bytes: { 0 })
        let (lines, error) = Self.lines(reader)
        #expect(lines.count == count)
        #expect(error?.description == failure.description)
        #expect((try? reader.next()) == nil, "nothing after the error")
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
        let source = Numbered(count: 1_000_000)
        var reader: ReadAhead? = ReadAhead(source, bytes: { 0 })
        _ = try reader?.next()
        // The reader fills its queue, then waits: it never reads the whole input ahead.
        let bound = (ReadAhead.depth + 2) * ReadAhead.batchSize + 1
        try await Task.sleep(for: .milliseconds(200))
        #expect(source.rowsRead <= bound)
        reader = nil
        try await Task.sleep(for: .milliseconds(200))
        let afterStop = source.rowsRead
        try await Task.sleep(for: .milliseconds(200))
        #expect(source.rowsRead == afterStop, "the reading thread stopped")
        #expect(afterStop <= bound)
    }
}
