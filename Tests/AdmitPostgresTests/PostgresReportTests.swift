import Admit
import AdmitDomain
import AdmitJSON
import AdmitTestSupport
import Foundation
import Testing

/// The audit reports on both stores: the same history gives the same enrolment report and the
/// same decision queries on SQLite and on PostgreSQL (in `PostgresAdmissionTests`, which runs
/// its tests one at a time).
extension PostgresAdmissionTests {
    /// One history: openings, a refusal, an enrolment withdrawn back to before an opening (an
    /// opening without an enrolment), a tagged address registered and enrolled (a likely duplicate).
    static func reportHistory(_ admission: Admission) throws {
        _ = try admission.check(user: "ada@example.org", lecture: "idor-2020-01")
        _ = try admission.check(user: "ada@example.org", lecture: "idor-2020-02", at: instant("2020-11-14T09:00:00+01:00"))
        _ = try admission.check(user: "ben@example.org", lecture: "idor-2020-01")
        _ = try admission.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-14T00:00:00+01:00"))
        _ = try admission.check(user: "ben@example.org", lecture: "idor-2020-03")
        _ = try admission.unenrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-14T12:00:00+01:00"))
        _ = try admission.register(
            json: [["email": "ada+idor@example.org", "name": "Ada", "profession": "radiologist", "country": "AT"]],
            options: RegistrationOptions(package: "idor-2020", at: instant("2020-11-15T08:00:00+01:00")))
        _ = try admission.check(user: "cleo@example.org", lecture: "idor-2020-04")
    }

    /// What a report says, as comparable text (ids differ between the stores' users only if the
    /// stores number them differently, which they must not).
    static func summary(_ report: EnrolmentReport) -> [String] {
        var lines = [
            "total \(report.total) withdrawn \(report.withdrawn) people \(report.people)",
            "first \(report.first.map { "\($0)" } ?? "-") last \(report.last.map { "\($0)" } ?? "-")",
            "days " + report.perDay.map { "\($0.day)=\($0.count)" }.joined(separator: ","),
            "professions " + report.byProfession.map { "\($0.key)=\($0.count)" }.joined(separator: ","),
            "countries " + report.byCountry.map { "\($0.key)=\($0.count)" }.joined(separator: ","),
            "sources " + report.bySource.map { "\($0.key)=\($0.count)" }.joined(separator: ","),
        ]
        for anomaly in report.anomalies {
            lines.append(
                "\(anomaly.kind.rawValue) \(anomaly.count): "
                    + anomaly.rows.map {
                        "\($0.user.rawValue) \($0.email) \($0.at) \($0.detail.replacingOccurrences(of: #" by writer 'one'"#, with: ""))"
                    }
                    .joined(separator: "; "))
        }
        return lines
    }

    static func summary(_ decisions: [LoggedDecision]) -> [String] {
        decisions.map {
            "\($0.user.rawValue) \($0.lecture?.rawValue ?? "-") \($0.at) \($0.effect.rawValue) \($0.reasons.map(\.code.rawValue))"
        }
    }

    @Test func theAuditReportsAnswerAlikeOnBothStores() async throws {
        var answers: [StoreKind: [String]] = [:]
        for kind in StoreKind.allCases {
            try await AdmissionPlace.with(kind) { place in
                let admission = try place.open(writer: "one")
                defer { admission.close() }
                try Self.reportHistory(admission)
                let report = try admission.enrolmentReport(package: "idor-2020")
                var lines = Self.summary(report)
                lines += ["all"] + Self.summary(try admission.decisions())
                lines += ["ada"] + Self.summary(try admission.decisions(user: "ada@example.org"))
                lines += ["lecture 01"] + Self.summary(try admission.decisions(lecture: "idor-2020-01"))
                lines += ["package, deny"] + Self.summary(try admission.decisions(package: "idor-2020", effect: .deny))
                lines +=
                    ["range, 1"]
                    + Self.summary(
                        try admission.decisions(
                            range: Span(start: instant("2020-11-15T00:00:00+01:00"), end: instant("2020-11-16T00:00:00+01:00")), limit: 1))
                // Later decisions are caught up at the next report.
                _ = try admission.check(user: "dan@example.org", lecture: "idor-2020-05")
                lines += ["dan"] + Self.summary(try admission.decisions(user: "dan@example.org"))
                lines += Self.summary(try admission.enrolmentReport(package: "idor-2020")).filter { $0.hasPrefix("never-opened") }
                // The OneRoster export: the same files.
                let export = place.directory + "/export"
                let exported = try admission.exportOneRoster(package: "idor-2020", to: export)
                lines.append("exported \(exported.users) users, \(exported.enrolments) enrolments")
                for file in ["users.csv", "enrollments.csv"] {
                    lines += try String(contentsOfFile: export + "/" + file, encoding: .utf8).components(separatedBy: "\r\n")
                }
                answers[kind] = lines
            }
        }
        let sqlite = try #require(answers[.sqlite])
        let postgres = try #require(answers[.postgres])
        #expect(sqlite == postgres)
        // The history's anomalies are there (so that the comparison compares something).
        #expect(sqlite.contains { $0.hasPrefix("opened-without-enrolment 1: 2 ben@example.org") }, "\(sqlite)")
        #expect(sqlite.contains { $0.hasPrefix("likely-duplicate 2: 5 ada+idor@example.org") }, "\(sqlite)")
        #expect(
            sqlite.filter { $0.hasPrefix("never-opened") } == [
                "never-opened 3: 3 cleo@example.org 2020-11-10T07:00:00Z source self, account suspended; "
                    + "4 dan@example.org 2020-11-12T17:30:00Z source self; 5 ada+idor@example.org 2020-11-15T07:00:00Z source bulk",
                "never-opened 2: 3 cleo@example.org 2020-11-10T07:00:00Z source self, account suspended; "
                    + "5 ada+idor@example.org 2020-11-15T07:00:00Z source bulk",
            ], "dan's opening is caught up at the next report")
        #expect(sqlite.firstIndex(of: "ada").map { sqlite[$0 + 1].contains("idor-2020-02") } == true, "newest first")
    }
}
