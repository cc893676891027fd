import AdmitCSV
import Testing

/// A small deterministic generator (SplitMix64), so a failing round trip can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Writer to reader round trip")
struct RoundTripTests {
    /// Pieces that stress quoting: delimiters, quotes, every line end, spaces, non-ASCII.
    static let alphabet = [
        "a", "Z", "0", " ", "\t", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", "é", "ʤ", "名", "😀",
        "'", "=", "-", "\u{FEFF}",
    ]

    static func randomField(_ random: inout SplitMix64) -> String {
        let length = Int(random.next() % 12)
        var field = ""
        for _ in 0..<length { field += alphabet[Int(random.next() % UInt64(alphabet.count))] }
        return field
    }

    @Test(
        "random records read back exactly",
        arguments: [
            (UInt64(1), UInt8(ascii: ","), CSVWriter.LineEnding.carriageReturnLineFeed),
            (2, UInt8(ascii: ","), .lineFeed),
            (3, UInt8(ascii: ";"), .carriageReturnLineFeed),
            (4, UInt8(ascii: "\t"), .lineFeed),
        ])
    func randomRecords(seed: UInt64, delimiter: UInt8, lineEnding: CSVWriter.LineEnding) throws {
        var random = SplitMix64(state: seed)
        var records: [[String]] = []
        for _ in 0..<500 {
            let count = 1 + Int(random.next() % 6)
            records.append((0..<count).map { _ in Self.randomField(&random) })
        }
        var writer = CSVWriter(delimiter: delimiter, lineEnding: lineEnding)
        for record in records { writer.write(record) }
        let bytes = writer.takeBytes()
        let options = CSVOptions(delimiter: delimiter)
        for chunk in [nil, 1, 3, 7, 4096] as [Int?] {
            let rows = try readAll(bytes, chunk: chunk, options: options)
            #expect(rows.allSatisfy { $0.problem == nil && !$0.isBlank })
            #expect(rows.map(\.fields) == records, "chunk \(String(describing: chunk))")
        }
    }
}
