import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore

/// What a policy change does to the population: for every user and every lecture compared, the
/// spans gained and lost from the old policy to the new one (`admit policy diff`, `policy.diff`).
public struct PolicyDiff: Sendable {
    /// Whether users gain or lose access over a change's spans.
    public enum Kind: String, Sendable, Hashable {
        case gain
        case loss
    }

    /// One change: these users gain (or lose) these lectures of one package over these spans.
    public struct Change: Sendable {
        public let kind: Kind
        public let package: PackageID
        /// The package's zone, for showing the spans in local time.
        public let zone: Zone
        /// In catalog order.
        public let lectures: [LectureID]
        /// Sorted, disjoint.
        public let spans: [Span]
        /// How many users it is true of.
        public fileprivate(set) var userCount = 0
        /// Every such user (by id) when the diff was asked to list them, else the first few.
        public fileprivate(set) var users: [UserReference] = []
        public fileprivate(set) var byProfession: [Profession: Int] = [:]
        /// By country code; users without a country under `none`.
        public fileprivate(set) var byCountry: [String: Int] = [:]
        public fileprivate(set) var byAccount: [AccountState: Int] = [:]
    }

    /// How many users gain something and how many lose something (a user may do both).
    public struct Tally: Sendable, Hashable {
        public var gaining = 0
        public var losing = 0

        public init(gaining: Int = 0, losing: Int = 0) {
            self.gaining = gaining
            self.losing = losing
        }
    }

    public let old: PolicyVersion
    public let new: PolicyVersion
    /// The range compared.
    public let range: Span
    /// The package compared, when the diff was limited to one.
    public let package: PackageID?
    public let lectureCount: Int
    /// Classes of lectures every rule treats alike (each decided once).
    public let lectureClasses: Int
    public let userCount: Int
    /// Distinct facts among the users (each decided once).
    public let factGroups: Int
    /// Windows added, removed or moved, and packages that only one policy's rules name.
    public let shape: PolicyShapeDifference
    /// Gains first, then losses; each in catalog order of its package and first lecture, then by span.
    public let changes: [Change]
    public let totals: Tally
    public let totalsByProfession: [Profession: Tally]
    public let totalsByCountry: [String: Tally]
    public let totalsByAccount: [AccountState: Tally]
    /// Whether `users` of each change lists every user.
    public let listsUsers: Bool

    /// Whether the two policy versions are the very same files.
    public var identical: Bool { old == new }
    /// Whether any user gains or loses anything.
    public var changesAccess: Bool { !changes.isEmpty }
}

extension Admission {
    /// How many users a change names when it is not asked to list them all.
    static let diffExamples = 5

    /// Reads and validates the policy files at `paths` against this database's catalog, without
    /// loading them; throws every error, with its location.
    public func readPolicy(at paths: [String]) throws(AdmitError) -> LoadedPolicy {
        let (policies, tests) = try LoadedPolicy.readFiles(at: paths)
        guard !policies.isEmpty else { throw .policyMissing(.noPolicyFile(paths: paths, testsFound: !tests.isEmpty)) }
        return try LoadedPolicy(sources: policies, tests: tests, catalog: catalog)
    }

    /// What changes for every user and every lecture (of `package`, if given) within `range`
    /// when `newPolicy` replaces the policy in force (or `oldPolicy`, when given). Read-only.
    public func policyDiff(
        to newPolicy: LoadedPolicy, from oldPolicy: LoadedPolicy? = nil, package packageID: String? = nil, range: Span = .always,
        listUsers: Bool = false
    ) throws(AdmitError) -> PolicyDiff {
        guard range.start < range.end else { throw .invalidInput(.emptyRange) }
        let old = oldPolicy ?? policy
        let lectures: [Lecture]
        if let packageID { lectures = try package(packageID).lectures } else { lectures = self.lectures }
        let comparison = PolicyComparison(old: old.set, new: newPolicy.set, lectures: lectures, range: range)
        let facts = try allFacts()
        let (representatives, groupOfUser, sizes) = facts.factGroups()
        let position = Dictionary(lectures.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })

        struct ChangeKey: Hashable {
            var kind: PolicyDiff.Kind
            var package: PackageID
            var lectures: [LectureID]
            var spans: [Span]
        }
        var changes: [PolicyDiff.Change] = []
        var changeByKey: [ChangeKey: Int] = [:]
        var changesOfGroup: [[Int]] = Array(repeating: [], count: representatives.count)
        var totals = PolicyDiff.Tally()
        var byProfession: [Profession: PolicyDiff.Tally] = [:]
        var byCountry: [String: PolicyDiff.Tally] = [:]
        var byAccount: [AccountState: PolicyDiff.Tally] = [:]

        for (group, slot) in representatives.enumerated() {
            let groupFacts = facts.facts(slot)
            let country = groupFacts.country?.rawValue ?? "none"
            // Every kind of user is in the totals, with zeros when nothing changes for them.
            if byProfession[groupFacts.profession] == nil { byProfession[groupFacts.profession] = PolicyDiff.Tally() }
            if byCountry[country] == nil { byCountry[country] = PolicyDiff.Tally() }
            if byAccount[groupFacts.account] == nil { byAccount[groupFacts.account] = PolicyDiff.Tally() }
            let perClass = comparison.changes(for: groupFacts)
            guard perClass.contains(where: { !$0.isEmpty }) else { continue }
            // Lecture classes of one package with the same spans are one change.
            var merged: [(key: ChangeKey, first: Int)] = []
            var mergedIndex: [ChangeKey: Int] = [:]
            for (index, change) in perClass.enumerated() where !change.isEmpty {
                let lecturesOfClass = comparison.lectureClasses[index]
                for (kind, spans) in [(PolicyDiff.Kind.gain, change.gained), (.loss, change.lost)] where !spans.isEmpty {
                    let key = ChangeKey(kind: kind, package: lecturesOfClass[0].package, lectures: [], spans: spans)
                    if let at = mergedIndex[key] {
                        merged[at].key.lectures += lecturesOfClass.map(\.id)
                    } else {
                        mergedIndex[key] = merged.count
                        var withLectures = key
                        withLectures.lectures = lecturesOfClass.map(\.id)
                        merged.append((withLectures, position[lecturesOfClass[0].id] ?? 0))
                    }
                }
            }
            let size = sizes[group]
            var gains = false
            var losses = false
            for (key, _) in merged {
                var sortedKey = key
                sortedKey.lectures.sort { (position[$0] ?? 0) < (position[$1] ?? 0) }
                let index: Int
                if let existing = changeByKey[sortedKey] {
                    index = existing
                } else {
                    index = changes.count
                    changeByKey[sortedKey] = index
                    changes.append(
                        PolicyDiff.Change(
                            kind: key.kind, package: key.package, zone: zone(of: key.package), lectures: sortedKey.lectures,
                            spans: key.spans))
                }
                changesOfGroup[group].append(index)
                changes[index].userCount += size
                changes[index].byProfession[groupFacts.profession, default: 0] += size
                changes[index].byCountry[country, default: 0] += size
                changes[index].byAccount[groupFacts.account, default: 0] += size
                if key.kind == .gain { gains = true } else { losses = true }
            }
            func add(_ tally: inout PolicyDiff.Tally) {
                if gains { tally.gaining += size }
                if losses { tally.losing += size }
            }
            add(&totals)
            add(&byProfession[groupFacts.profession, default: PolicyDiff.Tally()])
            add(&byCountry[country, default: PolicyDiff.Tally()])
            add(&byAccount[groupFacts.account, default: PolicyDiff.Tally()])
        }

        // Who: every user in order, into each change of their group (all, or the first few).
        if !changes.isEmpty {
            for index in 0..<groupOfUser.count {
                let group = Int(groupOfUser[index])
                guard !changesOfGroup[group].isEmpty else { continue }
                var reference: UserReference?
                for change in changesOfGroup[group] where listUsers || changes[change].users.count < Self.diffExamples {
                    let slot = facts.slot(atIndex: index)
                    if reference == nil { reference = UserReference(id: facts.id(slot), email: facts.email(slot)) }
                    changes[change].users.append(reference!)
                }
            }
            for index in changes.indices {
                changes[index].users.sort { $0.id.rawValue < $1.id.rawValue }
            }
        }

        let packageOrder = Dictionary(catalog.packages.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        changes.sort { a, b in
            if a.kind != b.kind { return a.kind == .gain }
            let pa = packageOrder[a.package] ?? 0
            let pb = packageOrder[b.package] ?? 0
            if pa != pb { return pa < pb }
            let la = position[a.lectures[0]] ?? 0
            let lb = position[b.lectures[0]] ?? 0
            if la != lb { return la < lb }
            if a.lectures.count != b.lectures.count { return a.lectures.count > b.lectures.count }
            return a.spans.lexicographicallyPrecedes(b.spans) { ($0.start, $0.end) < ($1.start, $1.end) }
        }
        return PolicyDiff(
            old: old.version, new: newPolicy.version, range: range, package: packageID.map { PackageID($0) }, lectureCount: lectures.count,
            lectureClasses: comparison.lectureClasses.count, userCount: groupOfUser.count, factGroups: representatives.count,
            shape: PolicyShapeDifference(old: old.set, new: newPolicy.set), changes: changes, totals: totals,
            totalsByProfession: byProfession, totalsByCountry: byCountry, totalsByAccount: byAccount, listsUsers: listUsers)
    }

    /// Every user's facts: the ones held in memory (brought up to the log), else read once from
    /// the log's state rows.
    func allFacts() throws(AdmitError) -> ResidentFacts {
        if let resident {
            try refreshFacts()
            return resident
        }
        let facts = ResidentFacts()
        facts.reserve(users: try perform { () throws(StoreError) in try storage.userCount() })
        var position = FeedPosition()
        try perform { () throws(StoreError) in
            try storage.forEachState(after: &position) { user, version, email, state, _ in
                facts.apply(user: user, version: version, email: email, facts: state)
            }
        }
        return facts
    }
}

extension PolicyDiff {
    /// The fields of `admit policy diff --json` and of the service's `policy.diff` result.
    public var json: JSONValue {
        func time(_ instant: Instant, _ zone: Zone) -> JSONValue {
            instant == .min || instant == .max ? .null : .string(instant.formatted(in: zone))
        }
        func span(_ span: Span, _ zone: Zone) -> JSONValue {
            .object([
                "from": time(span.start, zone), "until": time(span.end, zone), "fromUTC": time(span.start, .utc),
                "untilUTC": time(span.end, .utc),
            ])
        }
        func count(_ value: Int) -> JSONValue { .number(JSONNumber(Int64(value))) }
        func tally(_ value: Tally) -> JSONValue { .object(["gaining": count(value.gaining), "losing": count(value.losing)]) }
        func counts<K>(_ values: [K: Int], _ name: (K) -> String) -> JSONValue {
            .object(JSONObject(uniqueKeysWithValues: values.map { (name($0.key), count($0.value)) }.sorted { $0.0 < $1.0 }))
        }
        func tallies<K>(_ values: [K: Tally], _ name: (K) -> String) -> JSONValue {
            .object(JSONObject(uniqueKeysWithValues: values.map { (name($0.key), tally($0.value)) }.sorted { $0.0 < $1.0 }))
        }
        func window(_ window: AccessWindow?) -> JSONValue {
            guard let window else { return .null }
            return .object(["zone": .string(window.zone.identifier), "span": span(window.span, window.zone)])
        }
        var object = JSONObject()
        object["old"] = .string(old.hash)
        object["new"] = .string(new.hash)
        object["identical"] = .bool(identical)
        object["changed"] = .bool(changesAccess)
        object["from"] = time(range.start, .utc)
        object["until"] = time(range.end, .utc)
        object["package"] = package.map { .string($0.rawValue) } ?? .null
        object["users"] = count(userCount)
        object["factGroups"] = count(factGroups)
        object["lectures"] = count(lectureCount)
        object["lectureClasses"] = count(lectureClasses)
        object["windows"] = .array(
            shape.windows.map { difference in
                let status = difference.old == nil ? "only-in-new" : difference.new == nil ? "only-in-old" : "changed"
                return .object([
                    "name": .string(difference.name), "status": .string(status), "old": window(difference.old),
                    "new": window(difference.new),
                ])
            })
        object["packagesOnlyInOld"] = .array(shape.packagesOnlyInOld.map { .string($0.rawValue) })
        object["packagesOnlyInNew"] = .array(shape.packagesOnlyInNew.map { .string($0.rawValue) })
        object["changes"] = .array(
            changes.map { change in
                var entry = JSONObject()
                entry["kind"] = .string(change.kind.rawValue)
                entry["package"] = .string(change.package.rawValue)
                entry["zone"] = .string(change.zone.identifier)
                entry["lectures"] = .array(change.lectures.map { .string($0.rawValue) })
                entry["spans"] = .array(change.spans.map { span($0, change.zone) })
                entry["userCount"] = count(change.userCount)
                entry[listsUsers ? "users" : "examples"] = .array(change.users.map(\.referenceJSON))
                entry["byProfession"] = counts(change.byProfession, \.rawValue)
                entry["byCountry"] = counts(change.byCountry) { $0 }
                entry["byAccount"] = counts(change.byAccount, \.rawValue)
                return .object(entry)
            })
        object["totals"] = .object([
            "gaining": count(totals.gaining), "losing": count(totals.losing),
            "byProfession": tallies(totalsByProfession, \.rawValue), "byCountry": tallies(totalsByCountry) { $0 },
            "byAccount": tallies(totalsByAccount, \.rawValue),
        ])
        return .object(object)
    }
}
