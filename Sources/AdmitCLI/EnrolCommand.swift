import Admit
import AdmitDomain
import ArgumentParser

extension EnrolmentSource: ExpressibleByArgument {}

/// `admit enrol`: enrol a user in a package, as the policy permits.
struct EnrolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Enrol a user in a package if the policy permits it at that instant.",
        discussion: "Enrolling twice changes nothing. --force enrols against the policy and the audit log records it. Exit 1 when refused.")

    @Option(name: .long, help: ArgumentHelp("Email address or numeric user id.", valueName: "email-or-id"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Package id, e.g. idor-2020.", valueName: "id"))
    var package: String

    @Option(name: .long, help: ArgumentHelp("When the enrolment takes effect (RFC 3339 with offset; default: now).", valueName: "instant"))
    var at: String?

    @Option(name: .long, help: "How the enrolment came about: self, bulk or admin.")
    var source: EnrolmentSource = .admin

    @Flag(name: .long, help: "Enrol even if the policy does not permit it (recorded in the audit log).")
    var force = false

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Terminal.run {
            let at = try Terminal.instant(at, option: "--at")
            let outcome = try store.open().enrol(user: user, package: package, at: at, source: source, force: force)
            output.print(outcome.json, text: TextReport.enrol(outcome))
            return outcome.isEnrolled ? .success : ExitCode(1)
        }
    }
}

/// `admit unenrol`: withdraw an enrolment, keeping its history.
struct UnenrolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unenrol", abstract: "Withdraw a user's enrolment in a package; the enrolment stays in the history.")

    @Option(name: .long, help: ArgumentHelp("Email address or numeric user id.", valueName: "email-or-id"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Package id, e.g. idor-2020.", valueName: "id"))
    var package: String

    @Option(name: .long, help: ArgumentHelp("When the withdrawal takes effect (RFC 3339 with offset; default: now).", valueName: "instant"))
    var at: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Terminal.run {
            let at = try Terminal.instant(at, option: "--at")
            let outcome = try store.open().unenrol(user: user, package: package, at: at)
            output.print(outcome.json, text: TextReport.unenrol(outcome))
            return .success
        }
    }
}
