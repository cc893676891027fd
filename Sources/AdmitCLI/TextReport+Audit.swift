import Admit
import AdmitDomain

extension TextReport {
    static func enrolments(_ report: EnrolmentReport) -> String {
        let zone = report.package.zone
        var lines = ["\(report.package.id) — \(report.package.title) (days in \(zone.identifier))"]
        if report.range != .always {
            let from = report.range.start == .min ? "the beginning" : report.range.start.formatted(in: zone)
            let until = report.range.end == .max ? "now" : report.range.end.formatted(in: zone)
            lines.append("enrolments from \(from) until \(until)")
        }
        lines.append("total \(report.total) enrolments by \(report.people) people (\(report.withdrawn) withdrawn)")
        if let first = report.first, let last = report.last {
            lines.append("first \(first.formatted(in: zone)), last \(last.formatted(in: zone))")
        }
        if !report.perDay.isEmpty {
            lines.append("")
            lines.append("per day")
            let most = report.perDay.map(\.count).max() ?? 1
            let width = String(most).count
            for day in report.perDay {
                let bar = String(repeating: "█", count: Int((day.count * 40 + most - 1) / most))
                lines.append("  \(day.day)  \(pad(String(day.count), width))  \(bar)")
            }
        }
        for (title, list) in [("by profession", report.byProfession), ("by country", report.byCountry), ("by source", report.bySource)]
        where !list.isEmpty {
            lines.append("")
            lines.append(title)
            let width = list.map(\.key.count).max() ?? 0
            for entry in list { lines.append("  \(entry.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(entry.count)") }
        }
        lines.append("")
        lines.append("anomalies")
        for anomaly in report.anomalies {
            lines.append("  \(anomaly.kind.title): \(anomaly.count)")
            for row in anomaly.rows {
                let external = row.externalID.map { " (\($0))" } ?? ""
                lines.append("    user \(row.user) \(row.email)\(external) \"\(row.name)\" \(row.at.formatted(in: zone)) — \(row.detail)")
            }
            if Int64(anomaly.rows.count) < anomaly.count {
                lines.append("    … \(anomaly.count - Int64(anomaly.rows.count)) more (--limit 0 lists all)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func decisions(_ decisions: [LoggedDecision]) -> String {
        guard !decisions.isEmpty else { return "no decisions match" }
        return decisions.map { decision in
            let what = decision.lecture.map { "open \($0)" } ?? "enrol in \(decision.package)"
            var lines = [
                "#\(decision.seq)\(decision.writer.map { " by writer '\($0)'" } ?? "") \(decision.effect.rawValue): user \(decision.user)\(decision.externalID.map { " (\($0))" } ?? "") \(what) at \(decision.at.formatted(in: decision.zone))"
            ]
            lines += decision.reasons.map { "  \($0.message) [\($0.code.rawValue)]" }
            lines.append(
                "  by \(decision.actor) at \(decision.recordedAt.formatted(in: decision.zone)), policy \(PolicyVersion.short(decision.policyHash))"
            )
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func replay(_ outcome: ReplayOutcome) -> String {
        let logged = outcome.logged
        let what = logged.lecture.map { "open \($0)" } ?? "enrol in \(logged.package)"
        var lines = [
            "decision #\(logged.seq)\(logged.writer.map { " by writer '\($0)'" } ?? ""): \(logged.effect.rawValue) for user \(logged.user) to \(what) at \(logged.at.formatted(in: logged.zone))",
            "  under policy \(PolicyVersion.short(logged.policyHash)) with the facts it logged:",
        ]
        lines.append(
            outcome.reproduces
                ? "  replay: \(outcome.replayed.effect.rawValue), the same effect and reasons — reproduced"
                : "  replay: \(outcome.replayed.effect.rawValue) — NOT reproduced (logged \(logged.reasons.map(\.code.rawValue)), replayed \(outcome.replayed.reasons.map(\.code.rawValue)))"
        )
        lines.append("today, under policy \(outcome.todayPolicy.short) with the user's current facts:")
        lines.append("  \(outcome.today.effect.rawValue) — \(outcome.sameToday ? "the same answer" : "a different answer")")
        lines += decisionLines(outcome.today).map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
