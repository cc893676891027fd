/// Growable heap bytes behind ``JSONWriter``, shared copy-on-write between writer copies.
final class ByteBuffer: @unchecked Sendable {
    // Safety: instances are only mutated through a uniquely referenced JSONWriter
    // (checked with isKnownUniquelyReferenced before every write), so no two
    // threads ever mutate or read-while-mutating the same instance.

    /// Start of the allocation.
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes allocated.
    private(set) var capacity: Int

    /// Allocates `capacity` bytes (at least 16).
    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// A new buffer with the first `count` bytes copied and the same capacity.
    func copy(count: Int) -> ByteBuffer {
        let copy = ByteBuffer(capacity: capacity)
        copy.base.update(from: base, count: count)
        return copy
    }

    /// Makes room for `needed` bytes in all, keeping the first `count`, at least doubling the capacity.
    @inline(__always)
    func reserve(_ needed: Int, keeping count: Int) {
        if needed > capacity { grow(needed, keeping: count) }
    }

    private func grow(_ needed: Int, keeping count: Int) {
        let newCapacity = Swift.max(needed, 2 * capacity)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
