import Admit
import ArgumentParser
import Foundation

/// `admit copy`: copy the SQLite database into a new PostgreSQL one.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy the SQLite database (--db) into a new, empty PostgreSQL database.",
        discussion: """
            Copies the catalog, every policy version, and every user with their latest state and enrolments, under the same \
            ids; the SQLite file keeps the audit log before the copy. A copy that stops half-way leaves the target not empty: \
            drop and create it, then copy again. See Docs/scaling.md.
            """)

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL database to copy into.", valueName: "postgresql://USER@HOST:PORT/DB"))
    var to: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Terminal.run {
            // Opening a missing file would create and seed a new database, and copy that.
            let source = AdmitConfiguration.databasePath(option: store.db)
            if !source.contains("://"), !FileManager.default.fileExists(atPath: source) {
                throw AdmitError.fileUnreadable(path: source, reason: "no SQLite database to copy here (give it with --db)")
            }
            let admission = try store.open()
            defer { admission.close() }
            let progress = Terminal.standardErrorIsTerminal ? ProgressLine() : nil
            let update = progress.map { line in { (report: RegistrationProgress) in line.update(report) } }
            let summary = try admission.copy(to: to, progress: update)
            progress?.clear()
            output.print(
                summary.json,
                text: "copied \(TextReport.grouped(summary.users)) users, \(TextReport.grouped(summary.enrolments)) enrolments and "
                    + "\(summary.policyVersions) policy versions to \(summary.target) (writer '\(summary.writer)') in "
                    + "\(summary.elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
            return .success
        }
    }
}
