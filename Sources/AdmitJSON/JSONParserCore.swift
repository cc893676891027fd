/// The parsing engine: an index over borrowed bytes plus reusable stacks, no recursion.
///
/// Containers are tracked on an explicit frame stack, so deep nesting cannot
/// overflow the call stack whatever ``JSONLimits/maxDepth`` is. Completed
/// elements and members wait on shared stacks and are moved once into an
/// exactly-sized array when their container closes.
struct JSONParserCore: ~Copyable {
    /// One open array or object.
    struct Frame {
        /// Whether this is an object (else an array).
        let isObject: Bool
        /// Where this container's items start on ``values`` or ``members``.
        let start: Int
        /// Key to position, built once an object gets many members (duplicate detection in O(1)).
        var keyIndex: [String: Int]?
    }

    /// The input, as bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The same input, for unaligned 8-byte loads.
    let raw: UnsafeRawBufferPointer
    let count: Int
    let limits: JSONLimits
    var index = 0
    var frames: MoveStack<Frame>
    var values: MoveStack<JSONValue>
    var members: MoveStack<JSONObject.Member>
    var scratch: [UInt8] = []

    /// Prepares to parse `bytes` with stacks that start in the given (uninitialized) buffers; all must outlive the parser.
    init(
        bytes: UnsafeBufferPointer<UInt8>,
        limits: JSONLimits,
        frameStorage: UnsafeMutableBufferPointer<Frame>,
        memberStorage: UnsafeMutableBufferPointer<JSONObject.Member>,
        valueStorage: UnsafeMutableBufferPointer<JSONValue>
    ) {
        self.bytes = bytes
        self.raw = UnsafeRawBufferPointer(bytes)
        self.count = bytes.count
        self.limits = limits
        frames = MoveStack(borrowing: frameStorage)
        members = MoveStack(borrowing: memberStorage)
        values = MoveStack(borrowing: valueStorage)
    }

    /// Parses `bytes` with the first 8 open containers, 16 pending members and 8 pending elements kept on the call stack.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, JSONError> {
        // Literal capacities let the compiler place these buffers on the stack (1 KiB in all).
        withUnsafeTemporaryAllocation(of: Frame.self, capacity: 8) { frameStorage in
            withUnsafeTemporaryAllocation(of: JSONObject.Member.self, capacity: 16) { memberStorage in
                withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 8) { valueStorage in
                    var core = JSONParserCore(
                        bytes: bytes,
                        limits: limits,
                        frameStorage: frameStorage,
                        memberStorage: memberStorage,
                        valueStorage: valueStorage
                    )
                    return Result { () throws(JSONError) -> JSONValue in try core.parseDocument() }
                }
            }
        }
    }

    /// Parses the whole input as exactly one value with optional surrounding whitespace.
    mutating func parseDocument() throws(JSONError) -> JSONValue {
        guard count > 0 else { throw JSONError(.emptyInput, at: 0) }
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw JSONError(.byteOrderMark, at: 0)
        }
        skipWhitespace()
        guard index < count else { throw JSONError(.emptyInput, at: index) }
        let value = try parseValueTree()
        skipWhitespace()
        guard index == count else { throw JSONError(.trailingContent, at: index) }
        return value
    }

    /// Parses one value (with everything nested in it) starting at `index`.
    mutating func parseValueTree() throws(JSONError) -> JSONValue {
        var value = JSONValue.null
        nextValue: while true {
            guard index < count else { throw JSONError(.unexpectedEnd, at: index) }
            let byte = bytes[index]
            switch byte {
            case Byte.quote:
                value = .string(try parseString())
            case Byte.openBrace:
                guard frames.count < limits.maxDepth else { throw JSONError(.tooDeep, at: index) }
                index += 1
                skipWhitespace()
                if index < count, bytes[index] == Byte.closeBrace {
                    index += 1
                    value = .object(JSONObject())
                } else {
                    frames.push(Frame(isObject: true, start: members.count, keyIndex: nil))
                    try parseMemberKey()
                    continue nextValue
                }
            case Byte.openBracket:
                guard frames.count < limits.maxDepth else { throw JSONError(.tooDeep, at: index) }
                index += 1
                skipWhitespace()
                if index < count, bytes[index] == Byte.closeBracket {
                    index += 1
                    value = .array([])
                } else {
                    frames.push(Frame(isObject: false, start: values.count, keyIndex: nil))
                    continue nextValue
                }
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "+"), UInt8(ascii: "."):
                throw JSONError(.invalidNumber, at: index)
            default:
                throw unexpectedByte(at: index)
            }

            // Hand the finished value to the enclosing containers, closing as many as end here.
            while frames.count > 0 {
                let top = frames.count - 1
                skipWhitespace()
                guard index < count else {
                    throw JSONError(.unexpectedEnd, at: index)
                }
                let next = bytes[index]
                if frames[top].isObject {
                    // Move the value into its member (swap leaves a trivial `.null` behind: no retain/release).
                    swap(&members[members.count - 1].value, &value)
                    if next == Byte.comma {
                        let commaOffset = index
                        index += 1
                        skipWhitespace()
                        if index < count, bytes[index] == Byte.closeBrace {
                            throw JSONError(.trailingComma, at: commaOffset)
                        }
                        try parseMemberKey()
                        continue nextValue
                    }
                    guard next == Byte.closeBrace else { throw unexpectedByte(at: index) }
                    index += 1
                    let frame = frames.pop()
                    value = .object(
                        JSONObject(
                            uncheckedMembers: members.popArray(from: frame.start),
                            keyIndex: frame.keyIndex
                        ))
                } else {
                    values.push(.null)
                    swap(&values[values.count - 1], &value)
                    if next == Byte.comma {
                        let commaOffset = index
                        index += 1
                        skipWhitespace()
                        if index < count, bytes[index] == Byte.closeBracket {
                            throw JSONError(.trailingComma, at: commaOffset)
                        }
                        continue nextValue
                    }
                    guard next == Byte.closeBracket else { throw unexpectedByte(at: index) }
                    index += 1
                    let frame = frames.pop()
                    value = .array(values.popArray(from: frame.start))
                }
            }
            return value
        }
    }

    /// Parses `"key"` and `:` for the innermost (object) frame, checks the key is new, and leaves `index` at the value.
    mutating func parseMemberKey() throws(JSONError) {
        guard index < count else { throw JSONError(.unexpectedEnd, at: index) }
        guard bytes[index] == Byte.quote else { throw unexpectedByte(at: index) }
        let keyOffset = index
        let key = try parseString()
        let top = frames.count - 1
        let start = frames[top].start
        let position = members.count - start
        if frames[top].keyIndex != nil {
            if frames[top].keyIndex?.updateValue(position, forKey: key) != nil {
                throw JSONError(.duplicateKey(key), at: keyOffset)
            }
        } else {
            var other = start
            while other < members.count {
                if members[other].key == key { throw JSONError(.duplicateKey(key), at: keyOffset) }
                other += 1
            }
            if position + 1 >= JSONObject.indexThreshold {
                var keyIndex = [String: Int](minimumCapacity: 2 * JSONObject.indexThreshold)
                for member in start..<members.count {
                    keyIndex[members[member].key] = member - start
                }
                keyIndex[key] = position
                frames[top].keyIndex = keyIndex
            }
        }
        members.push(JSONObject.Member(key: key, value: .null))
        skipWhitespace()
        guard index < count else { throw JSONError(.unexpectedEnd, at: index) }
        guard bytes[index] == Byte.colon else { throw unexpectedByte(at: index) }
        index += 1
        skipWhitespace()
    }

    /// Checks that `literal` (`true`, `false` or `null`) is at `index` and moves past it.
    @inline(__always)
    mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let expected = literal.utf8Start
        for offset in 0..<literal.utf8CodeUnitCount {
            let position = index + offset
            guard position < count else { throw JSONError(.unexpectedEnd, at: position) }
            guard bytes[position] == expected[offset] else { throw unexpectedByte(at: position) }
        }
        index += literal.utf8CodeUnitCount
    }

    /// Parses a number at `index`, keeping its text.
    @inline(__always)
    mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = index
        switch JSONNumber.scanNumber(raw, from: start) {
        case .success(let end):
            index = end
            return JSONNumber(uncheckedText: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        case .failure(let failure):
            throw JSONError(.invalidNumber, at: failure.offset)
        }
    }

    /// Skips space, tab, LF and CR.
    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let byte = bytes[index]
            if byte > Byte.space { return }
            guard byte == Byte.space || byte == Byte.lineFeed || byte == Byte.carriageReturn || byte == Byte.tab else { return }
            index += 1
        }
    }

    /// The error for a byte that cannot appear at `offset`: invalid UTF-8 if it starts an ill-formed sequence, else an unexpected character.
    func unexpectedByte(at offset: Int) -> JSONError {
        let byte = bytes[offset]
        if byte >= 0x80, UTF8Validation.sequenceLength(raw, at: offset, end: count) == 0 {
            return JSONError(.invalidUTF8, at: offset)
        }
        return JSONError(.unexpectedCharacter(byte), at: offset)
    }
}
