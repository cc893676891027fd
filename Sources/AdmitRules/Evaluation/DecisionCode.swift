import AdmitDomain

/// A decision in numbers: its reason codes, and the rules and clauses they name by position in
/// the policy set, without the words.
///
/// This is what the audit log stores of a decision: with the policy version it was made under,
/// the request and the user's facts then, `PolicySet.render(_:_:facts:)` gives back the
/// `Decision` word for word, and replaying it means computing the code again and comparing.
///
/// The bytes, in order (a *number* is an unsigned LEB128 varint; a *code* one byte, `number(of:)`):
///
/// - the number of reasons, then for each: its code, and the rule as its index + 1 (0: none);
///   for `forbid-failed` and `permit-failed` also the rule's first clause that failed, as its
///   index + 1 (0: none), and that clause's code (0: none);
/// - the nearest miss's rule as its index + 1 (0: there is none); when there is one, the number
///   of its failed clauses, and for each its index and its code.
///
/// An allow by one permit is 4 bytes; a deny by default with a nearest miss of one clause, 7.
public struct DecisionCode: Sendable, Hashable {
    /// The encoded form, as stored.
    public let bytes: [UInt8]

    /// One reason of the decision.
    public struct Reason: Sendable, Hashable {
        /// The reason's code.
        public var code: ReasonCode
        /// The rule's index in `PolicySet.rules`.
        public var rule: Int?
        /// For `forbid-failed` and `permit-failed`: the rule's first clause that failed.
        public var clause: Clause?
    }

    /// A clause of a rule that was false or failed, and how.
    public struct Clause: Sendable, Hashable {
        /// The clause's index among the rule's top-level `and`s.
        public var index: Int
        /// How it failed.
        public var code: ReasonCode
    }

    /// The permit that came closest to granting, and its clauses that failed.
    public struct Miss: Sendable, Hashable {
        /// The permit's index in `PolicySet.rules`.
        public var rule: Int
        /// Its clauses that were false or failed, in order.
        public var clauses: [Clause]
    }

    /// The code in `bytes`; nil when they are not a well-formed code.
    public init?(bytes: [UInt8]) {
        self.bytes = bytes
        guard decoded() != nil else { return nil }
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Allow when the decision's first reason is `permitted`, else deny.
    public var effect: Effect {
        bytes.count > 1 && bytes[0] > 0 && bytes[1] == DecisionCode.number(of: .permitted) ? .allow : .deny
    }

    /// The reasons, in order.
    public var reasons: [Reason] { decoded()?.reasons ?? [] }

    /// The nearest miss, for a deny.
    public var nearestMiss: Miss? { decoded()?.miss ?? nil }

    /// Calls `body` with every clause the code names (those of the reasons, then the nearest
    /// miss's) and its rule, in order, without allocating.
    func forEachClause(_ body: (_ rule: Int, _ clause: Clause) -> Void) {
        _ = walk(
            reason: { reason in if let rule = reason.rule, let clause = reason.clause { body(rule, clause) } },
            miss: { _, _ in }, missClause: body)
    }

    private func decoded() -> (reasons: [Reason], miss: Miss?)? {
        var reasons: [Reason] = []
        var miss: Miss?
        let valid = walk(
            reason: { reasons.append($0) }, miss: { rule, count in miss = Miss(rule: rule, clauses: []) },
            missClause: { _, clause in miss?.clauses.append(clause) })
        return valid ? (reasons, miss) : nil
    }

    /// Reads the bytes in order, calling back for each part; false when they are not a well-formed code.
    private func walk(reason: (Reason) -> Void, miss: (_ rule: Int, _ clauses: Int) -> Void, missClause: (Int, Clause) -> Void)
        -> Bool
    {
        var reader = Reader(bytes: bytes)
        guard let count = reader.number() else { return false }
        for _ in 0..<count {
            guard let code = reader.code(), let rule = reader.number() else { return false }
            var next = Reason(code: code, rule: rule == 0 ? nil : rule - 1, clause: nil)
            if code == .forbidFailed || code == .permitFailed {
                guard let clause = reader.number(), let byte = reader.byte() else { return false }
                if clause > 0 {
                    guard let clauseCode = DecisionCode.code(number: byte) else { return false }
                    next.clause = Clause(index: clause - 1, code: clauseCode)
                }
            }
            reason(next)
        }
        guard let missRule = reader.number() else { return false }
        if missRule > 0 {
            guard let clauseCount = reader.number() else { return false }
            miss(missRule - 1, clauseCount)
            for _ in 0..<clauseCount {
                guard let index = reader.number(), let code = reader.code() else { return false }
                missClause(missRule - 1, Clause(index: index, code: code))
            }
        }
        return reader.isAtEnd
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func code() -> ReasonCode? { byte().flatMap(DecisionCode.code(number:)) }

        mutating func number() -> Int? {
            var value = 0
            var shift = 0
            while let byte = byte() {
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
                if shift > 28 { return nil }
            }
            return nil
        }
    }

    /// Writes a code's bytes, for the engine.
    struct Writer {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(16) }

        mutating func number(_ value: Int) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        mutating func code(_ code: ReasonCode) { bytes.append(DecisionCode.number(of: code)) }
    }
}

extension DecisionCode {
    /// The byte that stands for `code` in stored decisions. These numbers never change; a new
    /// code gets the next one.
    public static func number(of code: ReasonCode) -> UInt8 {
        switch code {
        case .permitted: return 1
        case .forbidden: return 2
        case .forbidFailed: return 3
        case .noPermit: return 4
        case .permitFailed: return 5
        case .noApplicableRule: return 6
        case .windowNotYetOpen: return 7
        case .windowClosed: return 8
        case .windowOpen: return 9
        case .notEnrolled: return 10
        case .enrolledLater: return 11
        case .enrolmentWithdrawn: return 12
        case .enrolled: return 13
        case .attributeMismatch: return 14
        case .attributeMissing: return 15
        case .conditionFalse: return 16
        }
    }

    /// The code a stored byte stands for.
    public static func code(number: UInt8) -> ReasonCode? {
        Int(number) < codes.count ? codes[Int(number)] : nil
    }

    /// `codes[number(of: code)] == code`.
    private static let codes: [ReasonCode?] = {
        var table = [ReasonCode?](repeating: nil, count: 256)
        for code in ReasonCode.allCases { table[Int(number(of: code))] = code }
        return table
    }()
}
