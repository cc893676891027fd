import AdmitJSON
import Foundation
import Testing

/// Runs the built `admit` binary the way a person or a script does.
struct CLI {
    let directory: String
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init() {
        directory = NSTemporaryDirectory() + "admit-cli-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var database: String { directory + "/admit.sqlite" }

    /// The `admit` executable, built beside this test bundle.
    static let binary: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("admit").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("admit")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: JSONValue? { try? JSONParser.parse(stdout) }
    }

    /// Runs `admit ARGS` in the repository root with this test's database.
    func run(
        _ arguments: [String], database: String? = nil, environment: [String: String] = [:], stdin: String? = nil, in folder: URL? = nil
    ) throws -> Result {
        let process = start(arguments, database: database, environment: environment, in: folder)
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `admit ARGS` without `--db`, in this test's directory, with the repository's seeds and
    /// policies: the database is then `$ADMIT_DB`, else `./admit.sqlite`.
    func runOnTheDefaultDatabase(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let seeds = ["--seeds", root.appendingPathComponent("Seeds").path, "--policies", root.appendingPathComponent("Policies").path]
        return try run(arguments + seeds, database: "", environment: environment, in: URL(fileURLWithPath: directory))
    }

    /// A configured but not started process; `database` "" gives no `--db` at all.
    func start(_ arguments: [String], database: String? = nil, environment: [String: String] = [:], in folder: URL? = nil) -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments + (database == "" ? [] : ["--db", database ?? self.database])
        process.currentDirectoryURL = folder ?? root
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ADMIT_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return process
    }

    func shell(_ sql: String, database: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database ?? self.database]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
