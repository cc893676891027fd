import Admit
import AdmitDomain
import ArgumentParser

/// `admit when`: the exact spans in which a user may open a lecture.
struct WhenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "when",
        abstract: "Show exactly when a user may open a lecture, and when the answer next changes.")

    @Option(name: .long, help: ArgumentHelp("Email address or numeric user id.", valueName: "email-or-id"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Lecture id, e.g. idor-2020-07.", valueName: "id"))
    var lecture: String

    @Option(name: .long, help: ArgumentHelp("Start of the range (RFC 3339 with offset; default: unbounded).", valueName: "instant"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("End of the range, exclusive (default: unbounded).", valueName: "instant"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Instant to measure the next change from (default: --from, else now).", valueName: "instant"))
    var at: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Terminal.run {
            let range = try Terminal.range(from: from, until: until)
            let reference = try Terminal.instant(at, option: "--at")
            let outcome = try store.open().when(user: user, lecture: lecture, range: range, reference: reference)
            output.print(outcome.json, text: TextReport.when(outcome))
            return .success
        }
    }
}
