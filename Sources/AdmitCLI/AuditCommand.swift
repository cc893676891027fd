import Admit
import AdmitJSON
import ArgumentParser

/// `admit audit`: check and report on the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain of the whole audit log and name the first broken row.",
            discussion: "Exit 0 when intact, 1 when a row was edited, inserted or deleted.")

        @Flag(name: .long, help: "Print a JSON object instead of text.")
        var json = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            try Terminal.run {
                let result = try store.open().verifyAudit()
                if json {
                    Terminal.printJSON(result.json)
                } else if let broken = result.firstBreak {
                    Terminal.print("broken: \(broken) (\(result.rows) rows checked before it)")
                } else {
                    Terminal.print("intact: \(result.rows) rows, hash chain and head verified")
                }
                return result.isIntact ? .success : ExitCode(1)
            }
        }
    }
}
