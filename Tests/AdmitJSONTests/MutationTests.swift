import AdmitJSON
import Testing

/// A small deterministic pseudo-random generator (SplitMix64), so failures reproduce.
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

@Suite("Mutated documents")
struct MutationTests {
    /// Seeds: valid documents touching every construct.
    static let seeds: [String] = [
        #"{"jsonrpc":"2.0","id":17,"method":"check","params":{"user":"ada@example.org","lecture":"idor-2020-07","at":"2020-11-15T10:00:00+01:00"}}"#,
        #"[1,-2.5e+3,0,true,false,null,"a\"b\\c\u00e9\ud83d\ude00",[],{},[[{"k":[1,{"x":"y"}]}]]]"#,
        #"{"é":"😀","long":"abcdefghijklmnopqrstuvwxyz0123456789","n":-0.0e-0}"#,
    ]

    /// Bytes that often change the meaning of a document.
    static let interesting: [UInt8] =
        Array(#"{}[],:"\/ubfnrt0123456789-+.eEtrufalsn "#.utf8) + [
            0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
        ]

    @Test("random edits never crash; accepted results round-trip, rejections point inside the input", arguments: 0..<3)
    func mutate(_ seedIndex: Int) {
        var random = SplitMix64(state: UInt64(seedIndex) &* 7919 &+ 1)
        let seed = Array(Self.seeds[seedIndex].utf8)
        var accepted = 0
        var rejected = 0
        for _ in 0..<4000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                let byte = Self.interesting.randomElement(using: &random) ?? 0
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: if bytes.count > 1 { bytes.remove(at: position) }
                }
            }
            do {
                let value = try JSONParser.parse(bytes)
                accepted += 1
                #expect(try JSONParser.parse(value.serializedBytes()) == value)
            } catch {
                rejected += 1
                #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error)")
            }
        }
        // Both outcomes must actually occur, or the test is not exercising anything.
        #expect(accepted > 0)
        #expect(rejected > 0)
    }
}
