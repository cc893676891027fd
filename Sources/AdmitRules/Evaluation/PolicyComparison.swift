import AdmitDomain

/// How the spans in which one request is allowed differ between an old and a new policy set.
public struct SpanChange: Sendable, Hashable {
    /// The maximal spans in which the old policy allows the request, in order.
    public var before: [Span]
    /// The maximal spans in which the new policy allows the request, in order.
    public var after: [Span]
    /// Allowed under the new policy and not under the old one.
    public var gained: [Span]
    /// Allowed under the old policy and not under the new one.
    public var lost: [Span]

    /// The change from `before` to `after` (both sorted, disjoint and not touching).
    public init(before: [Span], after: [Span]) {
        self.before = before
        self.after = after
        gained = after.subtracting(before)
        lost = before.subtracting(after)
    }

    /// Whether nothing is gained or lost.
    public var isEmpty: Bool { gained.isEmpty && lost.isEmpty }
}

extension Array where Element == Span {
    /// The instants in these spans and not in `other`, as maximal spans in order; both lists
    /// must be sorted and disjoint (as `Availability.allowed` is).
    public func subtracting(_ other: [Span]) -> [Span] {
        var result: [Span] = []
        var j = 0
        for span in self {
            var start = span.start
            while j < other.count, other[j].end <= start { j += 1 }
            var k = j
            while start < span.end {
                guard k < other.count, other[k].start < span.end else {
                    result.append(Span(start: start, end: span.end))
                    break
                }
                if other[k].start > start { result.append(Span(start: start, end: other[k].start)) }
                start = Swift.max(start, other[k].end)
                k += 1
            }
        }
        return result
    }
}

/// Two policy sets side by side: for the facts of a user, exactly when each allows every
/// lecture, and what changes from the old one to the new one.
///
/// The spans come from `PolicySet.availability` (the engine's `when`), so they are exact, not
/// sampled. Lectures that every rule of both sets covers alike get equal answers, so each such
/// class is decided once (`lectureClasses`); users with equal facts get equal answers, so a
/// caller decides each distinct `Facts` once.
public struct PolicyComparison: Sendable {
    /// The policy in force.
    public let old: PolicySet
    /// The policy proposed.
    public let new: PolicySet
    /// The range compared; spans outside it are not looked at.
    public let range: Span
    /// The lectures compared, in classes: within one class every rule of both policies covers
    /// every lecture or none, and every lecture is of the same package. Classes and their
    /// lectures are in the order the lectures were given.
    public let lectureClasses: [[Lecture]]

    /// A comparison of `old` and `new` over `lectures` within `range`.
    public init(old: PolicySet, new: PolicySet, lectures: [Lecture], range: Span = .always) {
        self.old = old
        self.new = new
        self.range = range
        struct Key: Hashable {
            var package: PackageID
            var covered: [Bool]
        }
        var classes: [[Lecture]] = []
        var classByKey: [Key: Int] = [:]
        for lecture in lectures {
            let request = AccessRequest.open(lecture, at: .min)
            let key = Key(package: lecture.package, covered: (old.rules + new.rules).map { $0.target.covers(request) })
            if let index = classByKey[key] {
                classes[index].append(lecture)
            } else {
                classByKey[key] = classes.count
                classes.append([lecture])
            }
        }
        lectureClasses = classes
    }

    /// The change for each lecture class (in `lectureClasses`' order) for the user in `facts`.
    public func changes(for facts: Facts) -> [SpanChange] {
        lectureClasses.map { change(opening: $0[0], facts: facts) }
    }

    /// Exactly when the old and the new policy allow the user in `facts` to open `lecture`,
    /// within `range`, and the difference.
    public func change(opening lecture: Lecture, facts: Facts) -> SpanChange {
        let request = AccessRequest.open(lecture, at: range.start)
        let reference = range.start == .min ? Instant(millisecondsSinceEpoch: 0) : range.start
        let before = old.availability(of: request, facts: facts, in: range, reference: reference).allowed
        let after = new.availability(of: request, facts: facts, in: range, reference: reference).allowed
        return SpanChange(before: before, after: after)
    }
}

/// How the windows and the governed packages of two policy sets differ, by name.
public struct PolicyShapeDifference: Sendable, Hashable {
    /// A window that is in only one of the policies, or in both with different spans.
    public struct Window: Sendable, Hashable {
        /// The window's name.
        public var name: String
        /// The window in the old policy; nil when only the new one has it.
        public var old: AccessWindow?
        /// The window in the new policy; nil when only the old one has it.
        public var new: AccessWindow?
    }

    /// Windows added, removed or moved, in the order of the old policy then the new one.
    public var windows: [Window]
    /// Packages that rules of the old policy name and no rule of the new one does.
    public var packagesOnlyInOld: [PackageID]
    /// Packages that rules of the new policy name and no rule of the old one does.
    public var packagesOnlyInNew: [PackageID]

    /// The differences between `old` and `new`.
    public init(old: PolicySet, new: PolicySet) {
        var windows: [Window] = []
        for window in old.windows {
            let other = new.window(named: window.name)
            if other?.span != window.span || other?.zone != window.zone {
                windows.append(Window(name: window.name, old: window, new: other))
            }
        }
        for window in new.windows where old.window(named: window.name) == nil {
            windows.append(Window(name: window.name, old: nil, new: window))
        }
        self.windows = windows
        let oldPackages = old.namedPackages
        let newPackages = new.namedPackages
        packagesOnlyInOld = oldPackages.filter { !newPackages.contains($0) }
        packagesOnlyInNew = newPackages.filter { !oldPackages.contains($0) }
    }

    /// Whether the windows and governed packages are the same.
    public var isEmpty: Bool { windows.isEmpty && packagesOnlyInOld.isEmpty && packagesOnlyInNew.isEmpty }
}

extension PolicySet {
    /// The packages the rules' targets name (a lecture's package for a lecture target), in the
    /// order they first appear, without duplicates.
    public var namedPackages: [PackageID] {
        var seen: Set<PackageID> = []
        var list: [PackageID] = []
        for rule in rules {
            let package: PackageID?
            switch rule.target.scope {
            case .any: package = nil
            case .package(let id): package = id
            case .lecture(let id): package = catalog.lecture(id)?.package
            }
            if let package, seen.insert(package).inserted { list.append(package) }
        }
        return list
    }
}
