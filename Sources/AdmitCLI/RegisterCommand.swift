import Admit
import AdmitDomain
import ArgumentParser

extension RegistrationFormat: ExpressibleByArgument {}

/// `admit register`: bulk registration from CSV or JSON Lines.
struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register users in bulk from a CSV or JSON Lines file: create, update (given columns only), or reject each row.",
        discussion: """
            Columns: email (required), name, profession, country, account, subscription, registered_at, external_id;
            a column 'error' is ignored. With --format oneroster, FILE is a OneRoster 1.1 or 1.2 CSV package (a folder
            or a .zip) and --class-map says which package each class enrols in (Docs/oneroster.md). Running the same file twice changes nothing the second time; a run that
            was killed can simply be run again. See Docs/register.md.
            Exit status: 0 every row applied, 1 some rows rejected (or enrolments refused), 2 or more an error.
            """)

    @Argument(help: ArgumentHelp("The file to read, or - for standard input.", valueName: "file"))
    var file: String

    @Option(
        name: .long,
        help:
            "csv, jsonl, or oneroster (a OneRoster 1.1/1.2 CSV package, a folder or .zip) (default: from the file name's ending; csv for standard input)."
    )
    var format: RegistrationFormat?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --format oneroster: a CSV file 'class,package' mapping each class (sourcedId or title) to a package.",
            valueName: "file"))
    var classMap: String?

    @Option(
        name: .long, help: ArgumentHelp("Write the rejected rows here, with an error column, to fix and import again.", valueName: "file"))
    var rejects: String?

    @Flag(name: .long, help: "Apply nothing if any row is rejected (one transaction for the whole file).")
    var atomic = false

    @Flag(name: .long, help: "Show what would happen and write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Also enrol every registered user in this package, as the policy permits.", valueName: "id"))
    var package: String?

    @Option(name: .long, help: ArgumentHelp("When the enrolments take effect (RFC 3339 with offset; default: now).", valueName: "instant"))
    var at: String?

    @Flag(name: .long, help: "Enrol even where the policy refuses (each forced enrolment is recorded).")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Rows per transaction.", valueName: "rows", visibility: .hidden))
    var chunkSize = 10_000

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1") }
        if let rejects, rejects == file { throw ValidationError("--rejects must not be the input file") }
        if classMap != nil && format != .oneroster { throw ValidationError("--class-map needs --format oneroster") }
        if format == .oneroster && package != nil {
            throw ValidationError("--package does not go with --format oneroster: use --class-map")
        }
    }

    func run() throws {
        try Terminal.run {
            let options = RegistrationOptions(
                atomic: atomic, dryRun: dryRun, package: package, at: try Terminal.instant(at, option: "--at"), force: force,
                chunkSize: chunkSize, keptRejects: output.json ? 100 : 10)
            let admission = try store.open()
            let progress = Terminal.standardErrorIsTerminal ? ProgressLine() : nil
            let update = progress.map { line in { (report: RegistrationProgress) in line.update(report) } }
            let summary: RegistrationSummary
            if format == .oneroster {
                let map = try classMap.map { path throws(AdmitError) in try admission.classMap(file: path) } ?? ClassMap([:])
                summary = try admission.register(oneRoster: file, classMap: map, options: options, rejectsFile: rejects, progress: update)
            } else {
                summary = try admission.register(file: file, format: format, options: options, rejectsFile: rejects, progress: update)
            }
            progress?.clear()
            output.print(summary.json, text: TextReport.register(summary))
            return summary.isComplete ? .success : ExitCode(1)
        }
    }
}
