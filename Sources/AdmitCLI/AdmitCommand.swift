import ArgumentParser

/// `admit`: may this user open this lecture at this instant, and why (not)?
@main
struct AdmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admit",
        abstract: "Access windows for e-learning packages: who may open which lecture when, and why.",
        discussion: """
            Exit status: 0 allowed or success, 1 denied (or some rows rejected), 2 or more an error.
            The database is --db, else $ADMIT_DB, else ./admit.sqlite; a new one is created and
            seeded from Seeds/ and Policies/.
            """,
        subcommands: [
            CheckCommand.self, WhenCommand.self, EnrolCommand.self, UnenrolCommand.self, RegisterCommand.self, PolicyCommand.self,
            AuditCommand.self, ServeCommand.self, CopyCommand.self,
        ])
}
