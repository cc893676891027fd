import Testing

@testable import Admit

@Suite struct IntTableTests {
    /// The table agrees with a Dictionary on random keys, including the sentinel and collisions.
    @Test func agreesWithADictionary() {
        var table = IntTable(capacity: 4)
        var reference: [Int64: Int64] = [:]
        var generator = SystemRandomNumberGenerator()
        var keys: [Int64] = [Int64.min, Int64.max, 0, -1, 1 << 20, 2 << 20, 3 << 20]
        for _ in 0..<5000 { keys.append(Int64.random(in: -3000...3000, using: &generator)) }
        for key in keys {
            table.add(2, to: key)
            reference[key, default: 0] += 2
            let first = table.insertIfAbsent(key &+ 7, key)
            let expected = reference[key &+ 7]
            if expected == nil { reference[key &+ 7] = key }
            #expect(first == expected)
        }
        #expect(table.count == reference.count)
        #expect(Dictionary(uniqueKeysWithValues: table.pairs.map { ($0.key, $0.value) }) == reference)
        for (key, value) in reference { #expect(table[key] == value) }
        #expect(table[123_456_789] == nil)
    }
}
