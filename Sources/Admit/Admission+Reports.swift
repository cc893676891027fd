import AdmitDomain
import AdmitRules
import AdmitStore
import Foundation

extension Admission {
    /// The enrolment audit of `package` (default: the only package) for enrolments in `range`.
    ///
    /// `limit` caps the rows listed behind each anomaly (nil or 0: all); counts are always complete.
    /// Brings the report indexes up to date first (`progress` gets rows read and rows to read);
    /// with `maxCatchUp`, throws `reportIndexesBehind` instead when more rows than that wait.
    public func enrolmentReport(
        package packageID: String?, range: Span = .always, limit: Int? = 20, maxCatchUp: Int64? = nil,
        progress: (Int64, Int64) -> Void = { _, _ in }
    )
        throws(AdmitError) -> EnrolmentReport
    {
        let reports = try reportStore(for: "audit enrolments")
        let package = try reportPackage(packageID)
        let limit = limit == 0 ? nil : limit
        if let maxCatchUp {
            let behind = try perform { () throws(StoreError) in try reports.reportIndexBacklog() }
            if behind > maxCatchUp { throw .reportIndexesBehind(behind: behind, limit: maxCatchUp) }
        }
        let scope = EnrolmentScope(package: package.id, from: range.start, until: range.end)
        return try perform { () throws(StoreError) in
            _ = try reports.refreshReportIndexes(progress: progress)
            var tally = EnrolmentTally(limit: limit)
            if let store = reports as? Store {
                try store.scanEnrolments(scope) { tally.add($0) }  // SQLite's rows, read in place
            } else {
                try reports.forEachEnrolment(scope) { tally.add($0) }
            }
            let opened = try reports.opensWithoutEnrolment(scope, limit: limit)
            let duplicates = try likelyDuplicates(tally, package: package.id, in: reports)

            func listing(_ kind: EnrolmentReport.Anomaly.Kind, _ listing: EnrolmentTally.Listing) -> EnrolmentReport.Anomaly {
                EnrolmentReport.Anomaly(
                    kind: kind, count: listing.count,
                    rows: listing.rows.map { row in
                        var detail = "source \(row.source?.rawValue ?? "unknown")"
                        if let state = row.accountState, state != .active { detail += ", account \(state.rawValue)" }
                        if row.forced { detail += ", forced" }
                        return EnrolmentReport.Row(
                            user: row.user, email: row.email, name: row.name, country: row.country, at: row.enrolledAt, detail: detail)
                    })
            }
            /// Non-zero counts by name, largest first.
            func counts(_ totals: [Int64], _ name: (Int) -> String) -> [(key: String, count: Int64)] {
                totals.indices.filter { totals[$0] > 0 }.map { (key: name($0), count: totals[$0]) }.sorted {
                    ($0.count, $1.key) > ($1.count, $0.key)
                }
            }
            let perDay = Admission.days(
                tally.buckets.pairs.sorted { $0.key < $1.key }.map { (Instant(millisecondsSinceEpoch: $0.key), $0.value) }, in: package.zone
            )
            var report = EnrolmentReport(
                package: package, range: range, total: tally.total, withdrawn: tally.withdrawn, people: tally.people,
                first: tally.first, last: tally.last, perDay: perDay,
                byProfession: counts(tally.professions) { Profession.allCases[$0].rawValue },
                byCountry: counts(tally.countries) { bits in
                    bits == 0 ? "unknown" : String(decoding: [UInt8(bits >> 8), UInt8(bits & 0xFF)], as: UTF8.self)
                },
                bySource: counts(tally.sources) { EnrolmentSource.allCases[$0].rawValue },
                anomalies: [
                    listing(.forced, tally.forced),
                    listing(.inactiveAccount, tally.inactive),
                    EnrolmentReport.Anomaly(
                        kind: .likelyDuplicate, count: Int64(duplicates.count),
                        rows: limit.map { Array(duplicates.prefix($0)) } ?? duplicates),
                    EnrolmentReport.Anomaly(
                        kind: .openedWithoutEnrolment, count: opened.count,
                        rows: opened.rows.map {
                            EnrolmentReport.Row(
                                user: $0.user, email: $0.email, name: $0.name, country: nil, at: $0.at,
                                detail: "lecture \($0.lecture), decision #\($0.seq)" + ($0.writer.map { " by writer '\($0)'" } ?? ""))
                        }),
                    listing(.neverOpened, tally.neverOpened),
                ])
            // The rows name users: each with their external id, looked up once per user.
            var externalIDs: [UserID: String?] = [:]
            for anomaly in report.anomalies.indices {
                for index in report.anomalies[anomaly].rows.indices {
                    let user = report.anomalies[anomaly].rows[index].user
                    if externalIDs[user] == nil { externalIDs[user] = .some(try reports.user(id: user)?.externalID) }
                    report.anomalies[anomaly].rows[index].externalID = externalIDs[user] ?? nil
                }
            }
            return report
        }
    }

    /// The tally's candidates, confirmed: a tagged address whose untagged form is an enrolled user,
    /// or a name key equal to an earlier user's (hash collisions are dropped here).
    private func likelyDuplicates(_ tally: EnrolmentTally, package: PackageID, in store: any ReportStore) throws(StoreError)
        -> [EnrolmentReport.Row]
    {
        var rows: [EnrolmentReport.Row] = []
        func add(_ row: EnrolmentReportRow, _ detail: String) {
            rows.append(
                EnrolmentReport.Row(
                    user: row.user, email: row.email, name: row.name, country: row.country, at: row.enrolledAt, detail: detail))
        }
        for row in tally.tagged {
            let plain = EnrolmentTally.untagged(row.email)
            if let address = try? EmailAddress(plain), let other = try store.user(email: address),
                try store.enrolments(of: other.id).contains(where: { $0.package == package })
            {
                add(row, "address \(row.email) is \(other.email) with a tag; same as user \(other.id)")
            }
        }
        for candidate in tally.sameName() {
            guard let user = try store.user(id: candidate.user), let other = try store.user(id: candidate.other),
                EnrolmentTally.nameKey(other.name) == EnrolmentTally.nameKey(user.name), other.country == user.country
            else { continue }
            rows.append(
                EnrolmentReport.Row(
                    user: user.id, email: user.email.normalized, name: user.name, country: user.country?.rawValue, at: candidate.enrolledAt,
                    detail: "same name and country as user \(other.id) (\(other.email.normalized))"))
        }
        return rows.sorted { ($0.at, $0.user) < ($1.at, $1.user) }
    }

    /// The package a report is about: the one named, or the only one there is.
    func reportPackage(_ id: String?) throws(AdmitError) -> Package {
        if let id { return try package(id) }
        guard catalog.packages.count == 1, let only = catalog.packages.first else {
            throw .invalidInput(.packageNotNamed(packages: catalog.packages.count))
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
}
