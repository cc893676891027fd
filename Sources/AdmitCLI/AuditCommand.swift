import Admit
import AdmitDomain
import AdmitJSON
import ArgumentParser
import Foundation

/// How a report is printed.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html
    /// A OneRoster 1.1 CSV package (enrolments only), into the folder `--output` names.
    case oneroster
}

extension Effect: ExpressibleByArgument {}

/// `admit audit`: reports on enrolments and decisions, replays, and the chain check.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Report on enrolments and decisions, replay a decision, verify the log.",
        subcommands: [Enrolments.self, Decisions.self, Replay.self, Verify.self, Partitions.self])

    struct Enrolments: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who enrolled, when, how, and what looks wrong.",
            discussion: """
                Totals, enrolments per day (in the package's zone), breakdowns by profession, country and
                source, first and last enrolment, and anomalies with the rows behind them.
                """)

        @Option(help: ArgumentHelp("Package id (default: the only package).", valueName: "id"))
        var package: String?

        @Option(help: ArgumentHelp("Only enrolments at or after this instant (RFC 3339 with offset).", valueName: "instant"))
        var from: String?

        @Option(help: ArgumentHelp("Only enrolments before this instant.", valueName: "instant"))
        var until: String?

        @Option(
            help: """
                table, csv, json, html (one self-contained page), or oneroster (a OneRoster 1.1 CSV package of the \
                package's enrolments and their users, into the folder --output names).
                """)
        var format: ReportFormat = .table

        @Option(help: ArgumentHelp("Rows listed behind each anomaly; 0 for all.", valueName: "n"))
        var limit: Int = 20

        @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"))
        var output: String?

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if format == .oneroster {
                if output == nil { throw ValidationError("--format oneroster writes a folder: give it with --output") }
                if from != nil || until != nil { throw ValidationError("--format oneroster exports every enrolment: no --from or --until") }
            }
        }

        func run() throws {
            try Terminal.run {
                let range = try Terminal.range(from: from, until: until)
                let admission = try store.open()
                if format == .oneroster, let output {
                    let export = try admission.exportOneRoster(package: package, to: output)
                    print(
                        "wrote a OneRoster 1.1 package of \(export.enrolments) enrolments in \(export.package) and their "
                            + "\(export.users) users to \(export.directory)")
                    return .success
                }
                let report = try admission.enrolmentReport(
                    package: package, range: range, limit: limit, progress: Terminal.progress("indexing the audit log"))
                switch format {
                case .json: try Terminal.emit(json: report.json, to: output)
                case .csv: try Terminal.emit(report.csv, to: output)
                case .table: try Terminal.emit(text: TextReport.enrolments(report), to: output)
                case .html: try Terminal.emit(text: report.html(admission.htmlReportOptions), to: output)
                case .oneroster: break  // written above
                }
                return .success
            }
        }
    }

    struct Decisions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List logged decisions with their reasons, newest first.")

        @Option(help: ArgumentHelp("Email address or numeric user id.", valueName: "email-or-id"))
        var user: String?

        @Option(help: ArgumentHelp("Lecture id.", valueName: "id"))
        var lecture: String?

        @Option(help: ArgumentHelp("Package id.", valueName: "id"))
        var package: String?

        @Option(help: "allow or deny.")
        var effect: Effect?

        @Option(help: ArgumentHelp("Only decisions about instants at or after this one.", valueName: "instant"))
        var from: String?

        @Option(help: ArgumentHelp("Only decisions about instants before this one.", valueName: "instant"))
        var until: String?

        @Option(help: ArgumentHelp("At most this many; 0 for all.", valueName: "n"))
        var limit: Int = 100

        @Option(help: "table, csv, json or html (one self-contained page, with counts over every matching decision).")
        var format: ReportFormat = .table

        @Option(help: ArgumentHelp("Write the listing to this file (atomically) instead of standard output.", valueName: "file"))
        var output: String?

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let range = try Terminal.range(from: from, until: until)
                let admission = try store.open()
                let progress = Terminal.progress("indexing the audit log")
                if format == .html {
                    let report = try admission.decisionReport(
                        user: user, lecture: lecture, package: package, effect: effect, range: range, limit: limit, progress: progress)
                    try Terminal.emit(text: report.html(admission.htmlReportOptions), to: output)
                    return .success
                }
                let decisions = try admission.decisions(
                    user: user, lecture: lecture, package: package, effect: effect, range: range, limit: limit, progress: progress)
                switch format {
                case .json: try Terminal.emit(json: .array(decisions.map(\.json)), to: output)
                case .csv: try Terminal.emit(LoggedDecision.csv(decisions), to: output)
                case .table, .html: try Terminal.emit(text: TextReport.decisions(decisions), to: output)
                case .oneroster: throw AdmitError.invalidInput(.formatNotForReport(format: "oneroster", report: "audit enrolments"))
                }
                return .success
            }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-evaluate a logged decision with the policy version and facts it used, and say whether today's answer is the same.",
            discussion: "Exit 0 when the replay reproduces the logged decision, 1 when it does not.")

        @Argument(
            help: ArgumentHelp(
                "The decision's number as check prints it: N, or WRITER:N on PostgreSQL ('logged as #N by writer W').",
                valueName: "decision-id"))
        var decision: String

        @OptionGroup var output: OutputOptions

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let id = try DecisionID(parsing: decision)
                let outcome = try store.open().replay(id)
                output.print(outcome.json, text: TextReport.replay(outcome))
                return outcome.reproduces ? .success : ExitCode(1)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain, and the users and enrolments tables against it.",
            discussion: """
                Names the first row of the log that was edited, inserted or deleted, and every field of the users and
                enrolments tables that differs from the state the log's change rows give. Exit 0 when intact, 1 otherwise.
                """)

        @OptionGroup var output: OutputOptions

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let result = try store.open().verifyAudit(progress: Terminal.rowProgress("verifying the audit log"))
                output.print(result.json, text: result.text)
                return result.isIntact ? .success : ExitCode(1)
            }
        }
    }

    struct Partitions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the decision log's day partitions ahead, and drop old days (PostgreSQL).",
            discussion: """
                On PostgreSQL the decision log is partitioned by UTC day. This makes the partitions from today through
                --ahead days on (run it daily, e.g. from a timer; admit serve makes them when it starts), and with
                --drop-before drops the days before that day, each writer's last dropped row kept as the point its chain is
                verified from. Decisions already in the default partition (written before their day had a partition) stay
                there. Export a day first to keep it (pg_dump -t audit_decisions_YYYYMMDD).
                """)

        @Option(name: .long, help: ArgumentHelp("Days after today to make partitions for.", valueName: "days"))
        var ahead = 7

        @Option(name: .long, help: ArgumentHelp("Drop the partitions of the days before this one (YYYY-MM-DD, UTC).", valueName: "day"))
        var dropBefore: String?

        @OptionGroup var output: OutputOptions

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let dropBefore, Self.day(dropBefore) == nil {
                throw ValidationError("--drop-before: '\(dropBefore)' is not a day (YYYY-MM-DD)")
            }
        }

        static func day(_ text: String) -> LocalDate? {
            guard case .date(let day)? = try? TimeLiteral(parsing: text) else { return nil }
            return day
        }

        func run() throws {
            try Terminal.run {
                let report = try store.open().partitions(ahead: ahead, dropBefore: dropBefore.flatMap(Self.day))
                output.print(report.json, text: report.text)
                return .success
            }
        }
    }
}
