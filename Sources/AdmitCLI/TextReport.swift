import Admit
import AdmitDomain
import Foundation

/// The text the CLI prints for people; `--json` prints the outcome's `json` instead.
enum TextReport {
    /// A user as people read one: the address, and the external id when there is one.
    static func who(_ user: UserReference) -> String {
        user.email.normalized + (user.externalID.map { " (external id \($0))" } ?? "")
    }

    static func check(_ outcome: CheckOutcome) -> String {
        let who = who(outcome.user)
        let when = outcome.at.formatted(in: outcome.zone)
        var lines = [
            outcome.decision.isAllowed
                ? "allow: \(who) may open \(outcome.lecture.id) at \(when)"
                : "deny: \(who) may not open \(outcome.lecture.id) at \(when)"
        ]
        lines += decisionLines(outcome.decision)
        lines.append(
            "policy \(outcome.policy.short) · logged as #\(outcome.auditSeq)" + (outcome.auditWriter.map { " by writer '\($0)'" } ?? ""))
        return lines.joined(separator: "\n")
    }

    static func decisionLines(_ decision: Decision) -> [String] {
        var lines = decision.reasons.map { "  \($0.message) [\($0.code.rawValue)]" }
        if let miss = decision.nearestMiss {
            lines.append("  nearest miss: permit '\(miss.rule)'")
            lines += miss.failedClauses.map { "    ✗ \($0.message) [\($0.code.rawValue)]" }
        }
        return lines
    }

    static func when(_ outcome: WhenOutcome) -> String {
        let zone = outcome.zone
        func time(_ instant: Instant, open: String) -> String {
            instant == .min || instant == .max ? open : instant.formatted(in: zone)
        }
        let availability = outcome.availability
        var lines = ["\(who(outcome.user)) may open \(outcome.lecture.id) (times in \(zone.identifier)):"]
        if availability.allowed.isEmpty {
            lines.append(
                "  never" + (availability.range == .always ? "" : " in the range asked")
                    + (outcome.ifEnrolled == nil ? "" : " as things stand"))
        }
        for span in availability.allowed {
            lines.append("  from \(time(span.start, open: "the beginning")) until \(time(span.end, open: "further notice"))")
        }
        if let hint = outcome.ifEnrolled {
            let opens = hint.opens.map { "from \(time($0.start, open: "the beginning")) until \(time($0.end, open: "further notice"))" }
            lines.append(
                "  \(availability.allowed.isEmpty ? "" : "and ")would open \(opens.joined(separator: " and ")) if enrolled in '\(hint.package)'"
                    + (hint.enrolBefore == .max ? "" : " before \(time(hint.enrolBefore, open: ""))"))
            let enrolment =
                hint.enrolment.isEmpty
                ? "the policy lets no one like them enrol themselves; an administrator can (admit enrol --force)"
                : "they may enrol themselves "
                    + hint.enrolment.map { "from \(time($0.start, open: "the beginning")) until \(time($0.end, open: "further notice"))" }
                    .joined(separator: " and ")
            lines.append("  (\(enrolment))")
        }
        let reference = availability.reference.formatted(in: zone)
        let flip = availability.nextFlip.map { "changes at \($0.formatted(in: zone))" } ?? "never changes after that"
        lines.append("at \(reference) the answer is \(availability.effectAtReference.rawValue); it \(flip)")
        lines.append("policy \(outcome.policy.short)")
        return lines.joined(separator: "\n")
    }

    static func enrol(_ outcome: EnrolOutcome) -> String {
        let who = who(outcome.user)
        let when = outcome.at.formatted(in: outcome.package.zone)
        var lines: [String]
        switch outcome.result {
        case .enrolled:
            lines = ["enrolled: \(who) in \(outcome.package.id) from \(when)" + (outcome.forced ? " (forced against the policy)" : "")]
            if outcome.forced { lines += decisionLines(outcome.decision) }
        case .alreadyEnrolled:
            let since = outcome.since.map { " since \($0.formatted(in: outcome.package.zone))" } ?? ""
            lines = ["already enrolled: \(who) in \(outcome.package.id)\(since); nothing changed"]
            if let start = outcome.since, outcome.at < start {
                lines.append("  note: the enrolment counts from \(start.formatted(in: outcome.package.zone)), not from \(when)")
            }
        case .refused:
            lines = ["refused: \(who) may not enrol in \(outcome.package.id) at \(when)"] + decisionLines(outcome.decision)
            lines.append("  (an administrator may enrol anyway with --force; the audit log records it)")
        }
        return lines.joined(separator: "\n")
    }

    static func unenrol(_ outcome: UnenrolOutcome) -> String {
        let who = who(outcome.user)
        guard let withdrawn = outcome.withdrawn, let at = withdrawn.withdrawnAt else {
            return "not enrolled: \(who) has no current enrolment in \(outcome.package.id); nothing changed"
        }
        return
            "withdrawn: \(who) from \(outcome.package.id) at \(at.formatted(in: outcome.package.zone)) (enrolled since \(withdrawn.enrolledAt.formatted(in: outcome.package.zone)))"
    }

    static func register(_ summary: RegistrationSummary) -> String {
        let seconds = summary.elapsed.seconds
        var lines: [String] = []
        let what = summary.mode == "dry-run" ? "plan for" : "registered"
        var head = "\(what) \(summary.source)"
        if let batch = summary.batch { head += " as import batch #\(batch)" }
        head += ": \(grouped(summary.rows)) rows in \(String(format: "%.2f", seconds)) s (\(grouped(Int(summary.rowsPerSecond))) rows/s)"
        lines.append(head)
        if !summary.sha256.isEmpty { lines.append("  sha256 \(summary.sha256)") }
        let counts: [(String, Int)] = [
            ("created", summary.created), ("updated", summary.updated), ("unchanged", summary.unchanged), ("rejected", summary.rejected),
        ]
        let width = counts.map { grouped($0.1).count }.max() ?? 1
        for (name, count) in counts {
            let number = grouped(count)
            lines.append(
                "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(repeating: " ", count: width - number.count)
                    + number)
        }
        for rejectClass in summary.rejectsByClass.keys.sorted() where rejectClass != .enrolmentRefused {
            lines.append("    \(rejectClass.rawValue): \(grouped(summary.rejectsByClass[rejectClass] ?? 0))")
        }
        if let enrolments = summary.enrolments {
            var text = "  enrolments in \(enrolments.package): \(grouped(enrolments.enrolled)) enrolled"
            if enrolments.forced > 0 { text += " (\(grouped(enrolments.forced)) forced against the policy)" }
            text += ", \(grouped(enrolments.alreadyEnrolled)) already enrolled, \(grouped(enrolments.refused)) refused"
            lines.append(text)
        }
        if let roster = summary.roster {
            var text = "  enrolments: \(grouped(roster.enrolled)) enrolled"
            if roster.forced > 0 { text += " (\(grouped(roster.forced)) forced against the policy)" }
            text += ", \(grouped(roster.withdrawn)) withdrawn, \(grouped(roster.unchanged)) unchanged, \(grouped(roster.refused)) refused"
            text += ", \(grouped(roster.unmapped)) in classes the class map does not name"
            lines.append(text)
            if let refused = summary.rejectsByClass[.enrolmentRefused] { lines.append("    enrolment-refused: \(grouped(refused))") }
        }
        if !summary.firstRejects.isEmpty {
            let total = summary.rejectsByClass.values.reduce(0, +)
            let kept = summary.firstRejects.count
            let what = (summary.enrolments?.refused ?? 0) > 0 ? "rejects and refused enrolments" : "rejects"
            lines.append(total > kept ? "first \(kept) of \(grouped(total)) \(what):" : "\(what):")
            lines += summary.firstRejects.map { "  " + $0.diagnostic(path: summary.source) }
        }
        if let file = summary.rejectsFile { lines.append("rejected rows written to \(file)") }
        if summary.mode == "dry-run" {
            lines.append("dry run: nothing was written")
        } else if !summary.committed {
            lines.append("nothing was applied (--atomic and some rows were rejected)")
        }
        return lines.joined(separator: "\n")
    }

    /// `1,234,567`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (number < 0 ? "-" : "") + out
    }
}
