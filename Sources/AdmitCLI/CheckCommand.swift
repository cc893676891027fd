import Admit
import ArgumentParser

/// `admit check`: may this user open this lecture at this instant, and why (not)?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether a user may open a lecture at an instant, and say why.",
        discussion: "Exit status 0 when allowed, 1 when denied, 2 or more on error. Every decision is logged.")

    @Option(name: .long, help: ArgumentHelp("Email address or numeric user id.", valueName: "email-or-id"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Lecture id, e.g. idor-2020-07.", valueName: "id"))
    var lecture: String

    @Option(
        name: .long,
        help: ArgumentHelp("RFC 3339 instant with an offset, e.g. 2020-11-20T23:59:59.999+01:00 (default: now).", valueName: "instant"))
    var at: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Terminal.run {
            let at = try Terminal.instant(at, option: "--at")
            let outcome = try store.open().check(user: user, lecture: lecture, at: at)
            output.print(outcome.json, text: TextReport.check(outcome))
            return outcome.decision.isAllowed ? .success : ExitCode(1)
        }
    }
}
