/// A growable stack that hands its top elements over by moving them into an exactly-sized `Array`.
///
/// Used by the parser for open containers, pending array elements and object
/// members: each closing container costs one allocation and no retain/release
/// traffic. It may start in borrowed memory (the parser passes a slice of a
/// temporary stack allocation) and moves to the heap only when that runs out.
/// Remaining elements are destroyed on deinit.
struct MoveStack<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity: Int
    /// Whether `base` was allocated by this stack (else it is borrowed).
    private var ownsStorage = false
    /// Number of elements on the stack.
    private(set) var count = 0

    /// Creates an empty stack that allocates on first push.
    init() {
        base = nil
        capacity = 0
    }

    /// Creates an empty stack that uses `storage` (uninitialized, and valid for the stack's whole life) before allocating.
    init(borrowing storage: UnsafeMutableBufferPointer<Element>) {
        base = storage.baseAddress
        capacity = storage.baseAddress == nil ? 0 : storage.count
    }

    deinit {
        if let base {
            base.deinitialize(count: count)
            if ownsStorage { base.deallocate() }
        }
    }

    /// Pushes `element`.
    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        guard let base else { return }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Removes and returns the top element; the stack must not be empty.
    @inline(__always)
    mutating func pop() -> Element {
        guard count > 0, let base else { preconditionFailure("pop from an empty MoveStack") }
        count -= 1
        return (base + count).move()
    }

    /// The element at `position` (which must be below `count`), readable and writable in place.
    subscript(position: Int) -> Element {
        @inline(__always) get {
            guard position >= 0, position < count, let base else { preconditionFailure("MoveStack index out of range") }
            return base[position]
        }
        @inline(__always) _modify {
            guard position >= 0, position < count, let base else { preconditionFailure("MoveStack index out of range") }
            yield &base[position]
        }
    }

    /// Removes the elements from `start` up to the top and returns them, in order, as an array.
    @inline(__always)
    mutating func popArray(from start: Int) -> [Element] {
        precondition(start >= 0 && start <= count)
        let moved = count - start
        guard moved > 0, let source = base.map({ $0 + start }) else { return [] }
        var array: [Element] = []
        array.reserveCapacity(moved)
        for offset in 0..<moved {
            array.append((source + offset).move())
        }
        count = start
        return array
    }

    /// Doubles the capacity (to at least 16) on the heap, moving the elements.
    private mutating func grow() {
        let newCapacity = Swift.max(16, capacity * 2)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let base {
            newBase.moveInitialize(from: base, count: count)
            if ownsStorage { base.deallocate() }
        }
        base = newBase
        capacity = newCapacity
        ownsStorage = true
    }
}
