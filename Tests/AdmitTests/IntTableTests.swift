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

@Suite struct RepeatedKeysTests {
    /// The partitioned grouping agrees with a Dictionary, on few keys (one partition) and on many.
    @Test(arguments: [0, 1, 2, 50, 20_000, 100_000])
    func findsEveryRepeatWithItsFirstPosition(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let keys: [Int64] = (0..<count).map { position in
            switch position % 5 {
            case 0: Int64.min  // the table's empty marker is a key like any other
            case 1: Int64.random(in: 0...Int64(count / 3 + 1), using: &generator)
            default: Int64.random(in: Int64.min...Int64.max, using: &generator)
            }
        }
        var firsts: [Int64: Int] = [:]
        var expected: [Int: Int] = [:]
        for (position, key) in keys.enumerated() {
            if let first = firsts[key] { expected[position] = first } else { firsts[key] = position }
        }
        let found = IntTable.repeats(in: keys)
        #expect(found.count == expected.count)
        #expect(Dictionary(uniqueKeysWithValues: found.map { ($0.later, $0.first) }) == expected)
    }
}
