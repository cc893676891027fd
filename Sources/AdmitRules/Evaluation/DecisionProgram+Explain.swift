import AdmitDomain

extension DecisionProgram {
    /// `PolicySet.explanation`: which rules decided and why, as a `DecisionCode`, in one
    /// allocation (the code's bytes).
    ///
    /// Forbids first: each that applies (or fails) is a reason, and the decision is a deny.
    /// Otherwise every permit that applies is a reason for an allow. Otherwise a deny by
    /// default (`no-permit`, or `no-applicable-rule` when no permit covers the request), each
    /// permit that failed, and the covering permit with the fewest false or failed clauses (the
    /// first in source order on a tie) as the nearest miss.
    func explain(_ request: AccessRequest, facts: Facts, windows: [Span]) -> DecisionCode {
        let action = request.action.index
        let forbidRange = forbids[action]
        let permitRange = permits[action]
        var writer = DecisionCode.Writer()

        var forbidding = 0
        var granting = 0
        var covering = 0
        for position in forbidRange where covers(entries[position].scope, request) {
            if evaluate(entries[position].condition, facts, request.at, windows) != .no { forbidding += 1 }
        }
        for position in permitRange where covers(entries[position].scope, request) {
            covering += 1
            if forbidding == 0, evaluate(entries[position].condition, facts, request.at, windows) == .yes { granting += 1 }
        }
        if forbidding == 0, granting > 0 {
            writer.number(granting)
            for position in permitRange where covers(entries[position].scope, request) {
                guard evaluate(entries[position].condition, facts, request.at, windows) == .yes else { continue }
                writer.code(.permitted)
                writer.number(entries[position].rule + 1)
            }
            writer.number(0)
            return DecisionCode(unchecked: writer.bytes)
        }

        var failedPermits = 0
        for position in permitRange where covers(entries[position].scope, request) {
            if evaluate(entries[position].condition, facts, request.at, windows) == .failed { failedPermits += 1 }
        }
        writer.number(Swift.max(forbidding, 1) + failedPermits)
        for position in forbidRange where covers(entries[position].scope, request) {
            switch evaluate(entries[position].condition, facts, request.at, windows) {
            case .yes:
                writer.code(.forbidden)
                writer.number(entries[position].rule + 1)
            case .failed:
                writer.code(.forbidFailed)
                writer.number(entries[position].rule + 1)
                writeFirstFailure(of: entries[position], request, facts, windows, into: &writer)
            case .no:
                continue
            }
        }
        if forbidding == 0 {
            writer.code(covering == 0 ? .noApplicableRule : .noPermit)
            writer.number(0)
        }
        for position in permitRange where covers(entries[position].scope, request) {
            guard evaluate(entries[position].condition, facts, request.at, windows) == .failed else { continue }
            writer.code(.permitFailed)
            writer.number(entries[position].rule + 1)
            writeFirstFailure(of: entries[position], request, facts, windows, into: &writer)
        }

        // The nearest miss: the covering permit with the fewest clauses that are not true.
        var best: Int?
        var bestCount = Int.max
        for position in permitRange where covers(entries[position].scope, request) {
            var count = 0
            forEachClause(of: entries[position]) { clause in
                if evaluate(clause, facts, request.at, windows) != .yes { count += 1 }
            }
            if count > 0, count < bestCount {
                best = position
                bestCount = count
            }
        }
        guard let best else {
            writer.number(0)
            return DecisionCode(unchecked: writer.bytes)
        }
        writer.number(entries[best].rule + 1)
        writer.number(bestCount)
        var index = 0
        forEachClause(of: entries[best]) { clause in
            let truth = evaluate(clause, facts, request.at, windows)
            if truth != .yes {
                writer.number(index)
                writer.code(failureCode(clause, truth, request, facts, windows))
            }
            index += 1
        }
        return DecisionCode(unchecked: writer.bytes)
    }

    /// Calls `body` with the step position of each of the rule's top-level clauses, in order.
    private func forEachClause(of entry: Entry, _ body: (Int) -> Void) {
        var operand = entry.condition + 1
        while operand < steps[entry.condition].end {
            body(operand)
            operand = steps[operand].end
        }
    }

    /// The first clause of the rule that is not true (its index + 1, or 0) and its code.
    private func writeFirstFailure(
        of entry: Entry, _ request: AccessRequest, _ facts: Facts, _ windows: [Span], into writer: inout DecisionCode.Writer
    ) {
        var index = 0
        var found: (Int, ReasonCode)?
        forEachClause(of: entry) { clause in
            guard found == nil else { return }
            let truth = evaluate(clause, facts, request.at, windows)
            if truth != .yes { found = (index, failureCode(clause, truth, request, facts, windows)) }
            index += 1
        }
        if let (index, code) = found {
            writer.number(index + 1)
            writer.code(code)
        } else {
            writer.number(0)
            writer.bytes.append(0)
        }
    }

    /// Why the clause at `position` was not true: a window not open yet or closed, an enrolment
    /// made later or withdrawn, an attribute with another value or none, or just false.
    private func failureCode(_ position: Int, _ truth: Truth, _ request: AccessRequest, _ facts: Facts, _ windows: [Span])
        -> ReasonCode
    {
        switch steps[position].operation {
        case .inWindow(let index):
            return request.at < windows[index].start ? .windowNotYetOpen : .windowClosed
        case .enrolled(let package):
            let id = packages[package]
            var later = false
            var withdrawn = false
            for enrolment in facts.enrolments where enrolment.package == id {
                if enrolment.enrolledAt > request.at { later = true }
                if let end = enrolment.withdrawnAt, end <= request.at { withdrawn = true }
            }
            return later ? .enrolledLater : withdrawn ? .enrolmentWithdrawn : .notEnrolled
        case .country where truth == .failed:
            return .attributeMissing
        case .account, .profession, .country, .subscription:
            return .attributeMismatch
        case .not:
            switch steps[position + 1].operation {
            case .inWindow: return .windowOpen
            case .enrolled: return .enrolled
            case .country where truth == .failed: return .attributeMissing
            case .account, .profession, .country, .subscription: return .attributeMismatch
            default: return truth == .failed ? .attributeMissing : .conditionFalse
            }
        case .all, .any:
            return truth == .failed ? .attributeMissing : .conditionFalse
        }
    }
}
