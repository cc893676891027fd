/// A small open-addressing hash map from `Int64` keys to `Int64` values, for tallies over millions
/// of rows where `Dictionary`'s seeded SipHash dominates the time.
///
/// Linear probing over one array of entries, a multiplicative mix of the key, doubling at half
/// full. `Int64.min` marks an empty slot, so that key is kept aside in `minimumKeyValue`.
struct IntTable {
    private struct Entry {
        var key: Int64
        var value: Int64
    }

    private static let empty = Int64.min
    private var entries: [Entry]
    private var mask: Int
    private var minimumKeyValue: Int64?
    private var stored = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = [Entry](repeating: Entry(key: IntTable.empty, value: 0), count: size)
        mask = size - 1
    }

    /// How many keys are stored.
    var count: Int { stored + (minimumKeyValue == nil ? 0 : 1) }

    /// The slot of `key`, or of the empty slot where it would go.
    private func slot(_ key: Int64) -> Int {
        var index = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while entries[index].key != IntTable.empty, entries[index].key != key { index = (index + 1) & mask }
        return index
    }

    /// The value for `key`, if present.
    subscript(key: Int64) -> Int64? {
        if key == IntTable.empty { return minimumKeyValue }
        let entry = entries[slot(key)]
        return entry.key == key ? entry.value : nil
    }

    /// Stores `value` for `key` unless the key is present; returns the value already there, if any.
    mutating func insertIfAbsent(_ key: Int64, _ value: Int64) -> Int64? {
        if key == IntTable.empty {
            defer { if minimumKeyValue == nil { minimumKeyValue = value } }
            return minimumKeyValue
        }
        let index = slot(key)
        if entries[index].key == key { return entries[index].value }
        entries[index] = Entry(key: key, value: value)
        stored += 1
        if stored * 2 > mask { grow() }
        return nil
    }

    /// Adds `amount` to the value for `key` (absent counts as zero).
    mutating func add(_ amount: Int64, to key: Int64) {
        if key == IntTable.empty {
            minimumKeyValue = (minimumKeyValue ?? 0) + amount
            return
        }
        let index = slot(key)
        if entries[index].key == key {
            entries[index].value += amount
            return
        }
        entries[index] = Entry(key: key, value: amount)
        stored += 1
        if stored * 2 > mask { grow() }
    }

    /// Every (key, value) pair, in no particular order.
    var pairs: [(key: Int64, value: Int64)] {
        var all = entries.filter { $0.key != IntTable.empty }.map { (key: $0.key, value: $0.value) }
        if let minimumKeyValue { all.append((IntTable.empty, minimumKeyValue)) }
        return all
    }

    private mutating func grow() {
        let old = entries
        entries = [Entry](repeating: Entry(key: IntTable.empty, value: 0), count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.key != IntTable.empty { entries[slot(entry.key)] = entry }
    }

    /// Every position of `keys` whose key an earlier position holds too, with the first position
    /// holding it; in no particular order.
    ///
    /// One sequential pass sorts the positions into partitions by the key's high bits (keeping
    /// their order); each partition then goes through a table of its own small enough to stay in
    /// the CPU's cache. One table for a million keys, probed at random, misses the cache on
    /// nearly every probe.
    static func repeats(in keys: [Int64]) -> [(later: Int, first: Int)] {
        guard keys.count > 1 else { return [] }
        precondition(keys.count <= Int(Int32.max), "positions are kept as Int32")
        var bits = 0
        while bits < 16, keys.count >> bits > 4096 { bits += 1 }
        func partition(_ key: Int64) -> Int {
            bits == 0 ? 0 : Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
        }
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        for key in keys { starts[partition(key) + 1] += 1 }
        for index in 0..<(1 << bits) { starts[index + 1] += starts[index] }
        var next = starts
        var positions = [Int32](repeating: 0, count: keys.count)
        for (position, key) in keys.enumerated() {
            let part = partition(key)
            positions[next[part]] = Int32(truncatingIfNeeded: position)
            next[part] += 1
        }
        var repeats: [(later: Int, first: Int)] = []
        for part in 0..<(1 << bits) where starts[part + 1] - starts[part] > 1 {
            var firsts = IntTable(capacity: starts[part + 1] - starts[part])
            for slot in starts[part]..<starts[part + 1] {
                let position = Int(positions[slot])
                if let first = firsts.insertIfAbsent(keys[position], Int64(position)) { repeats.append((position, Int(first))) }
            }
        }
        return repeats
    }
}
