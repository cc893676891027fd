import Admit
import AdmitDomain
import AdmitJSON
import ArgumentParser
import Foundation

/// Printing for the CLI: results to standard output, errors as one line on standard error.
enum Terminal {
    /// Writes `text` and a newline to standard output.
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `error: message` to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Writes `admit: message` to standard error: something a person should see that is not a result.
    static func printNotice(_ message: String) {
        FileHandle.standardError.write(Data("admit: \(message)\n".utf8))
    }

    /// Writes a JSON value, pretty-printed on a terminal and compact (one line) otherwise.
    static func printJSON(_ value: JSONValue) {
        print(isatty(STDOUT_FILENO) == 1 ? value.prettyPrinted() : value.serialized())
    }

    /// Writes `bytes` to the file `path` (atomically: a temporary file renamed over it), or to
    /// standard output without a path.
    static func emit(_ bytes: [UInt8], to path: String?) throws(AdmitError) {
        if let path { try AtomicFile.write(bytes, to: path) } else { FileHandle.standardOutput.write(Data(bytes)) }
    }

    /// `text` and a newline, to the file `path` or to standard output.
    static func emit(text: String, to path: String?) throws(AdmitError) {
        try emit(Array((text.hasSuffix("\n") ? text : text + "\n").utf8), to: path)
    }

    /// A JSON value, to the file `path` (one line) or to standard output as `printJSON` writes it.
    static func emit(json value: JSONValue, to path: String?) throws(AdmitError) {
        guard let path else { return printJSON(value) }
        try emit(text: value.serialized(), to: path)
    }

    /// Whether standard error is a terminal (for progress lines).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Runs a command body: an `AdmitError` becomes one line on standard error and exit status 2.
    static func run(_ body: () throws -> ExitCode) throws -> Never {
        do {
            throw try body()
        } catch let code as ExitCode {
            throw code
        } catch let error as AdmitError {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    /// Parses an instant option; a missing offset and other mistakes are `AdmitError.invalidInput`.
    static func instant(_ text: String?, option: String) throws(AdmitError) -> Instant? {
        guard let text else { return nil }
        do { return try Instant(parsing: text) } catch { throw .invalidInput(.instant(option: option, reason: error.description)) }
    }

    /// A `[from, until)` range from two optional instant options.
    static func range(from: String?, until: String?) throws(AdmitError) -> Span {
        try Span(from: try instant(from, option: "--from"), until: try instant(until, option: "--until"))
    }

    /// A progress callback that rewrites one line on standard error, only when it is a terminal.
    static func progress(_ label: String) -> (Int64, Int64) -> Void {
        guard standardErrorIsTerminal else { return { _, _ in } }
        return { done, total in
            let end = done >= total ? "\n" : ""
            FileHandle.standardError.write(Data("\r\(label): \(done) of \(total) rows\(end)".utf8))
        }
    }

    /// A progress line on a terminal's standard error for work that counts rows without a total;
    /// the caller ends the line (`finishProgress`) or the next output overwrites it.
    static func rowProgress(_ label: String) -> (Int64) -> Void {
        guard standardErrorIsTerminal else { return { _ in } }
        return { done in FileHandle.standardError.write(Data("\r\(label): \(done) rows\u{1B}[K".utf8)) }
    }
}
