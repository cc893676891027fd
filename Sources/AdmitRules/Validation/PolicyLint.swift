import AdmitDomain

/// Finds what is valid but most likely not meant, in a policy that has no errors: the warnings of
/// `admit policy check`.
///
/// - a package with lectures that no permit can open at any instant;
/// - a permit that a forbid always overrides (whenever the permit applies, the forbid does too);
/// - a window that no rule uses;
/// - two windows that rules chain (rules on overlapping targets use one each) and that meet
///   within a day of each other but not exactly: a gap neither covers, or an overlap.
struct PolicyLint {
    /// How near two windows must end and start to be taken for a chain.
    static let chainTolerance: Int64 = 86_400_000

    let windows: [AccessWindow]
    /// Where each window's name is written.
    let windowLocations: [SourceLocation]
    let rules: [Rule]
    let catalog: Catalog

    func warnings() -> [PolicyDiagnostic] {
        let overridden = overriddenPermits()
        var warnings = overridden.map {
            PolicyDiagnostic($0.permit.location, .alwaysOverridden(rule: $0.permit.id.rawValue, forbid: $0.forbid.id.rawValue))
        }
        let overriddenIDs = Set(overridden.map(\.permit.id))
        warnings += unopenedLectures(permits: rules.filter { $0.effect == .permit && !overriddenIDs.contains($0.id) })
        warnings += unusedWindows()
        warnings += chainedWindows()
        return warnings
    }

    // MARK: Overrides

    /// Permits for which some forbid covers every request they cover and applies whenever they
    /// do. (A forbid without a condition is already an error, `neverGrants`.)
    private func overriddenPermits() -> [(permit: Rule, forbid: Rule)] {
        var found: [(Rule, Rule)] = []
        let spans = windows.map(\.span)
        for permit in rules where permit.effect == .permit {
            let forbid = rules.first { forbid in
                guard forbid.effect == .forbid, !forbid.clauses.isEmpty, covers(forbid.target, permit.target) else { return false }
                let escapes = permit.clauses.map(\.condition) + [.not(.all(forbid.clauses.map(\.condition)))]
                return !Satisfiability.canBeTrue(escapes, windows: spans)
            }
            if let forbid { found.append((permit, forbid)) }
        }
        return found
    }

    /// Whether every request `inner` covers is covered by `outer` (a lecture is in its package).
    private func covers(_ outer: Target, _ inner: Target) -> Bool {
        if let action = outer.action, action != inner.action { return false }
        switch (outer.scope, inner.scope) {
        case (.any, _): return true
        case (.package(let a), .package(let b)): return a == b
        case (.package(let a), .lecture(let b)): return catalog.lecture(b)?.package == a
        case (.lecture(let a), .lecture(let b)): return a == b
        default: return false
        }
    }

    /// Whether some request is covered by both targets.
    private func overlap(_ a: Target, _ b: Target) -> Bool {
        if let x = a.action, let y = b.action, x != y { return false }
        switch (a.scope, b.scope) {
        case (.any, _), (_, .any): return true
        case (.package(let x), .package(let y)): return x == y
        case (.lecture(let x), .lecture(let y)): return x == y
        case (.package(let p), .lecture(let l)), (.lecture(let l), .package(let p)): return catalog.lecture(l)?.package == p
        }
    }

    // MARK: Lectures

    /// One warning per package with lectures that no permit opens (every rule's condition can be
    /// true, or it would be an error; so a covering permit opens the lecture for someone, sometime).
    private func unopenedLectures(permits: [Rule]) -> [PolicyDiagnostic] {
        var warnings: [PolicyDiagnostic] = []
        for package in catalog.packages where !package.lectures.isEmpty {
            let unopened = package.lectures.filter { lecture in
                let request = AccessRequest.open(lecture, at: .min)
                return !permits.contains { $0.target.covers(request) }
            }
            guard !unopened.isEmpty else { continue }
            // Point at a rule about the package when there is one: that is where a permit is missing.
            let about = rules.first { rule in
                rule.target.scope == .package(package.id) || package.lectures.contains { rule.target.covers(.open($0, at: .min)) }
            }
            guard let location = about?.location ?? rules.first?.location ?? windowLocations.first else { continue }
            warnings.append(
                PolicyDiagnostic(
                    location,
                    .noPermitOpens(package: package.id.rawValue, lectures: unopened.map(\.id.rawValue), of: package.lectures.count)))
        }
        return warnings
    }

    // MARK: Windows

    /// The windows each rule's condition names, as indices into `windows`.
    private func windowsUsed(by rule: Rule) -> Set<Int> {
        var used: Set<Int> = []
        func visit(_ condition: Condition) {
            switch condition {
            case .all(let parts), .any(let parts): parts.forEach(visit)
            case .not(let inner): visit(inner)
            case .inWindow(let index): used.insert(index)
            case .account, .profession, .country, .subscription, .enrolled: break
            }
        }
        rule.clauses.forEach { visit($0.condition) }
        return used
    }

    private func unusedWindows() -> [PolicyDiagnostic] {
        let used = rules.reduce(into: Set<Int>()) { $0.formUnion(windowsUsed(by: $1)) }
        return windows.indices.filter { !used.contains($0) }.map { PolicyDiagnostic(windowLocations[$0], .unusedWindow(windows[$0].name)) }
    }

    private func chainedWindows() -> [PolicyDiagnostic] {
        let uses = rules.map { (target: $0.target, windows: windowsUsed(by: $0)) }
        var chained: Set<[Int]> = []
        for (i, a) in uses.enumerated() {
            for b in uses[(i + 1)...] where overlap(a.target, b.target) {
                for x in a.windows {
                    for y in b.windows where x != y { chained.insert([min(x, y), max(x, y)]) }
                }
            }
        }
        var warnings: [PolicyDiagnostic] = []
        for pair in chained.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var (first, second) = (windows[pair[0]], windows[pair[1]])
            var secondIndex = pair[1]
            if second.span.start < first.span.start {
                swap(&first, &second)
                secondIndex = pair[0]
            }
            let end = first.span.end
            let start = second.span.start
            guard end != .max, start != .min, second.span.end > end else { continue }
            let distance = end.millisecondsSinceEpoch - start.millisecondsSinceEpoch
            guard distance != 0, abs(distance) <= Self.chainTolerance else { continue }
            let zone = second.zone
            let span = distance < 0 ? Span(start: end, end: start) : Span(start: start, end: end)
            let text = "[\(span.start.formatted(in: zone)), \(span.end.formatted(in: zone)))"
            warnings.append(
                PolicyDiagnostic(
                    windowLocations[secondIndex],
                    distance < 0
                        ? .windowGap(first: first.name, second: second.name, span: text)
                        : .windowOverlap(first: first.name, second: second.name, span: text)))
        }
        return warnings
    }
}
