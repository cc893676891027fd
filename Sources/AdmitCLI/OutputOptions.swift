import AdmitJSON
import ArgumentParser

/// `--json`, shared by every command that prints one result, and the printing of it either way.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print a JSON object instead of text.")
    var json = false

    /// Prints `value` as JSON with `--json`, else `text` for people.
    func print(_ value: @autoclosure () -> JSONValue, text: @autoclosure () -> String) {
        if json { Terminal.printJSON(value()) } else { Terminal.print(text()) }
    }
}
