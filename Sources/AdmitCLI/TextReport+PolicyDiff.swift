import Admit
import AdmitDomain
import AdmitRules

extension TextReport {
    static func policyDiff(_ diff: PolicyDiff, catalog: Catalog) -> String {
        func time(_ instant: Instant, _ zone: Zone) -> String {
            instant == .min ? "-infinity" : instant == .max ? "infinity" : instant.formatted(in: zone)
        }
        func spans(_ spans: [Span], _ zone: Zone) -> String {
            spans.map { "[\(time($0.start, zone)), \(time($0.end, zone)))" }.joined(separator: ", ")
        }
        func counts<K>(_ values: [K: Int], _ name: (K) -> String) -> String {
            values.map { (name($0.key), $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }
                .joined(separator: ", ")
        }
        func tallies<K>(_ values: [K: PolicyDiff.Tally], _ name: (K) -> String) -> String {
            values.map { (name($0.key), $0.value) }.sorted { $0.0 < $1.0 }.map { "\($0.0) +\($0.1.gaining) -\($0.1.losing)" }
                .joined(separator: ", ")
        }
        func lectures(_ change: PolicyDiff.Change) -> String {
            let all = catalog.package(change.package)?.lectures.count
            if change.lectures.count == all { return "all \(change.lectures.count) lectures of \(change.package)" }
            let ids = change.lectures.map(\.rawValue)
            let named = ids.count <= 6 ? ids.joined(separator: ", ") : "\(ids[0]), \(ids[1]), \(ids[2]), …, \(ids[ids.count - 1])"
            return "\(ids.count) lecture\(ids.count == 1 ? "" : "s") of \(change.package) (\(named))"
        }

        func users(_ count: Int) -> String { count == 1 ? "1 user" : "\(count) users" }

        let range = diff.range == .always ? "all of time" : "[\(time(diff.range.start, .utc)), \(time(diff.range.end, .utc)))"
        var lines = [
            "policy diff: \(PolicyVersion.short(diff.old.hash)) → \(PolicyVersion.short(diff.new.hash))",
            "compared \(diff.userCount) users (\(diff.factGroups) distinct facts) × \(diff.lectureCount) lectures"
                + " (\(diff.lectureClasses) lecture class\(diff.lectureClasses == 1 ? "" : "es"))"
                + (diff.package.map { " of \($0)" } ?? "") + ", \(range)",
        ]
        for window in diff.shape.windows {
            let describe = { (window: AccessWindow) in "\(spans([window.span], window.zone)) in \(window.zone.identifier)" }
            switch (window.old, window.new) {
            case (let old?, let new?): lines.append("window '\(window.name)' moves: \(describe(old)) → \(describe(new))")
            case (let old?, nil): lines.append("window '\(window.name)' is only in the old policy: \(describe(old))")
            case (nil, let new?): lines.append("window '\(window.name)' is only in the new policy: \(describe(new))")
            case (nil, nil): break
            }
        }
        for package in diff.shape.packagesOnlyInOld { lines.append("package '\(package)' is named only by the old policy's rules") }
        for package in diff.shape.packagesOnlyInNew { lines.append("package '\(package)' is named only by the new policy's rules") }
        guard diff.changesAccess else {
            lines.append(
                diff.identical
                    ? "no change: the new policy is the same files as the old one"
                    : "no change: no user gains or loses access to any lecture compared")
            return lines.joined(separator: "\n")
        }
        for change in diff.changes {
            let verb = change.kind == .gain ? "gain" : "lose"
            let users = change.userCount == 1 ? "1 user \(verb)s" : "\(change.userCount) users \(verb)"
            lines.append("\(change.kind.rawValue): \(users) \(lectures(change))")
            lines.append("  over \(spans(change.spans, change.zone)) (\(change.zone.identifier))")
            lines.append("     = \(spans(change.spans, .utc)) (UTC)")
            var who = change.users.map(\.email.normalized).joined(separator: ", ")
            if change.users.count < change.userCount { who += ", … (\(change.userCount - change.users.count) more; --users lists all)" }
            lines.append("  users: \(who)")
            lines.append(
                "  by account: \(counts(change.byAccount, \.rawValue)); by profession: \(counts(change.byProfession, \.rawValue)); "
                    + "by country: \(counts(change.byCountry) { $0 })")
        }
        lines.append("totals: \(users(diff.totals.gaining)) gain access, \(diff.totals.losing) lose access")
        lines.append("  by account: \(tallies(diff.totalsByAccount, \.rawValue))")
        lines.append("  by profession: \(tallies(diff.totalsByProfession, \.rawValue))")
        lines.append("  by country: \(tallies(diff.totalsByCountry) { $0 })")
        return lines.joined(separator: "\n")
    }
}
