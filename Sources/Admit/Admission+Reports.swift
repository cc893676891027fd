import AdmitDomain
import AdmitRules
import AdmitStore
import Foundation

extension Admission {
    /// The enrolment audit of `package` (default: the only package) for enrolments in `range`.
    ///
    /// `limit` caps the rows listed behind each anomaly (nil: all); counts are always complete.
    /// Brings the report indexes up to date first (`progress` gets rows read and rows to read).
    public func enrolmentReport(package packageID: String?, range: Span = .always, limit: Int? = 20, progress: (Int64, Int64) -> Void = { _, _ in })
        throws(AdmitError) -> EnrolmentReport
    {
        let package = try reportPackage(packageID)
        let scope = EnrolmentScope(package: package.id, from: range.start, until: range.end)
        try perform { () throws(StoreError) in _ = try store.refreshAuditIndexes(progress: progress) }
        return try perform { () throws(StoreError) in
            let groups = try store.enrolmentGroups(scope)
            let buckets = try store.enrolmentCounts(scope, bucket: 15 * 60 * 1000)
            var report = EnrolmentReport(
                package: package, range: range, total: groups.reduce(0) { $0 + $1.count }, withdrawn: groups.reduce(0) { $0 + $1.withdrawn },
                people: 0, first: groups.map(\.first).min(), last: groups.map(\.last).max(),
                perDay: Admission.days(buckets, in: package.zone), byProfession: Admission.sum(groups) { $0.profession.rawValue },
                byCountry: Admission.sum(groups) { $0.country?.rawValue ?? "unknown" }, bySource: Admission.sum(groups) { $0.source.rawValue },
                anomalies: [])

            var duplicates = DuplicateFinder()
            try store.forEachEnrolment(scope) { duplicates.add($0) }
            report.people = Int64(duplicates.people)

            func anomaly(_ kind: EnrolmentReport.Anomaly.Kind, _ stored: EnrolmentAnomaly) throws(StoreError) -> EnrolmentReport.Anomaly {
                let (count, rows) = try store.enrolments(with: stored, scope, limit: limit)
                return EnrolmentReport.Anomaly(kind: kind, count: count, rows: rows.map { row in
                    var detail = "source \(row.source)"
                    if let state = row.accountState, state != "active" { detail += ", account \(state)" }
                    if row.forced { detail += ", forced" }
                    return EnrolmentReport.Row(user: row.user, email: row.email, name: row.name, country: row.country, at: row.enrolledAt, detail: detail)
                })
            }
            let opened = try store.opensWithoutEnrolment(scope, limit: limit)
            let dupes = duplicates.rows()
            report.anomalies = [
                try anomaly(.forced, .forced),
                try anomaly(.inactiveAccount, .inactiveAccount),
                EnrolmentReport.Anomaly(kind: .likelyDuplicate, count: Int64(dupes.count), rows: limit.map { Array(dupes.prefix($0)) } ?? dupes),
                EnrolmentReport.Anomaly(
                    kind: .openedWithoutEnrolment, count: opened.count,
                    rows: opened.rows.map {
                        EnrolmentReport.Row(user: $0.user, email: $0.email, name: $0.name, country: nil, at: $0.at, detail: "lecture \($0.lecture), decision #\($0.seq)")
                    }),
                try anomaly(.neverOpened, .neverOpened),
            ]
            return report
        }
    }

    /// The package a report is about: the one named, or the only one there is.
    func reportPackage(_ id: String?) throws(AdmitError) -> Package {
        if let id { return try package(id) }
        guard catalog.packages.count == 1, let only = catalog.packages.first else {
            throw .invalidInput("there are \(catalog.packages.count) packages; name one with --package")
        }
        return only
    }

    /// Folds 15-minute buckets into calendar days in `zone` (every zone's offset is a multiple of 15 minutes).
    static func days(_ buckets: [(start: Instant, count: Int64)], in zone: Zone) -> [(day: LocalDate, count: Int64)] {
        var days: [(day: LocalDate, count: Int64)] = []
        for bucket in buckets {
            let day = zone.localDateTime(at: bucket.start).date
            if let last = days.last, last.day == day {
                days[days.count - 1].count += bucket.count
            } else {
                days.append((day, bucket.count))
            }
        }
        return days
    }

    static func sum(_ groups: [EnrolmentGroup], by key: (EnrolmentGroup) -> String) -> [(key: String, count: Int64)] {
        var totals: [String: Int64] = [:]
        for group in groups { totals[key(group), default: 0] += group.count }
        return totals.map { (key: $0.key, count: $0.value) }.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }
}

/// Finds likely duplicate people among enrolled users: the same address but for a `+tag` in its
/// local part, or the same name (case-folded, white space collapsed) and country.
struct DuplicateFinder {
    private var firstByEmail: [String: EnrolmentReportRow] = [:]
    private var firstByName: [String: EnrolmentReportRow] = [:]
    private var found: [EnrolmentReport.Row] = []
    private var seen = Set<UserID>()

    var people: Int { seen.count }

    mutating func add(_ row: EnrolmentReportRow) {
        guard seen.insert(row.user).inserted else { return }
        let emailKey = DuplicateFinder.untagged(row.email)
        if let other = firstByEmail[emailKey] {
            found.append(report(row, "address \(row.email) is \(other.email) with a tag; same as user \(other.user)"))
        } else {
            firstByEmail[emailKey] = row
        }
        let name = DuplicateFinder.nameKey(row.name)
        guard !name.isEmpty else { return }
        let nameKey = name + "|" + (row.country ?? "")
        if let other = firstByName[nameKey] {
            found.append(report(row, "same name and country as user \(other.user) (\(other.email))"))
        } else {
            firstByName[nameKey] = row
        }
    }

    func rows() -> [EnrolmentReport.Row] { found.sorted { ($0.at, $0.user) < ($1.at, $1.user) } }

    private func report(_ row: EnrolmentReportRow, _ detail: String) -> EnrolmentReport.Row {
        EnrolmentReport.Row(user: row.user, email: row.email, name: row.name, country: row.country, at: row.enrolledAt, detail: detail)
    }

    /// `ada+idor@example.org` → `ada@example.org`.
    static func untagged(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@"), let plus = email[..<at].firstIndex(of: "+") else { return email }
        return String(email[..<plus]) + String(email[at...])
    }

    /// Case-folded, with runs of white space collapsed to one space and the ends trimmed.
    static func nameKey(_ name: String) -> String {
        let folded = name.allSatisfy(\.isASCII) ? name.lowercased() : name.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
