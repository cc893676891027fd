import Admit
import AdmitJSON
import AdmitTestSupport
import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@testable import AdmitService

/// The stdio transport on pipes: end of input is a graceful stop; SIGTERM-style shutdown too.
@Suite(.serialized) struct StdioServiceTests {
    /// Pipes standing in for standard input and output.
    struct Pipes {
        let requests = Pipe()
        let replies = Pipe()

        func write(_ text: String) {
            requests.fileHandleForWriting.write(Data(text.utf8))
        }

        func endInput() throws {
            try requests.fileHandleForWriting.close()
        }

        func readAll() -> [String] {
            let data = replies.fileHandleForReading.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    func makeService(_ workspace: ServiceWorkspace, _ pipes: Pipes) throws -> StdioService {
        try StdioService(
            admission: workspace.open(), configuration: ServiceConfiguration(), logger: quietLogger,
            input: pipes.requests.fileHandleForReading.fileDescriptor, output: pipes.replies.fileHandleForWriting.fileDescriptor)
    }

    @Test(arguments: StoreKind.allCases) func endOfInputAnswersEverythingIncludingAnUnterminatedLastLineThenStops(_ store: StoreKind)
        async throws
    {
        let workspace = try ServiceWorkspace(store)
        let pipes = Pipes()
        let service = try makeService(workspace, pipes)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        // Blocking pipe I/O runs on threads of its own, never on the cooperative pool.
        async let lines = onThread { pipes.readAll() }
        let text = (0..<3000).map { checkRequest(id: $0) + "\n" }.joined() + "{\"x\":,}\n" + request("ping", id: "last")
        async let written: Void = onThread {
            pipes.write(text)
            try pipes.endInput()
        }
        try await group.run()
        try await written
        try pipes.replies.fileHandleForWriting.close()
        let replies = try await lines.map { try JSONParser.parse($0) }
        #expect(replies.count == 3002)
        #expect(replies[2999].result?["decision"] == "allow")
        #expect(replies[3000].errorCode == -32700)
        #expect(replies[3001]["id"] == "last")
        #expect(try workspace.decisionCount() == 3000)
    }

    @Test(arguments: StoreKind.allCases) func aShutdownRequestStopsReadingAndAnswersWhatWasRead(_ store: StoreKind) async throws {
        let workspace = try ServiceWorkspace(store)
        let pipes = Pipes()
        let service = try makeService(workspace, pipes)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        async let lines = onThread { pipes.readAll() }
        let running = Task { try await group.run() }
        let text = (0..<500).map { checkRequest(id: $0) + "\n" }.joined()
        try await onThread { pipes.write(text) }
        try await Task.sleep(for: .milliseconds(200))
        await group.triggerGracefulShutdown()
        try await running.value
        try pipes.replies.fileHandleForWriting.close()
        let replies = try await lines
        #expect(replies.count == 500)
        #expect(try workspace.decisionCount() == 500)
    }

    @Test func stdinMayBeARegularFile() async throws {
        let workspace = try ServiceWorkspace()
        let path = workspace.directory + "/requests.jsonl"
        try (request("ping", id: 1) + "\n" + checkRequest(id: 2) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let input = open(path, O_RDONLY)
        defer { close(input) }
        let replies = Pipe()
        let service = try StdioService(
            admission: workspace.open(), configuration: ServiceConfiguration(), logger: quietLogger, input: input,
            output: replies.fileHandleForWriting.fileDescriptor)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        try await group.run()
        try replies.fileHandleForWriting.close()
        let lines = String(decoding: replies.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
    }

    @Test func stdoutMayBeARegularFileAndStdinDevNull() async throws {
        let workspace = try ServiceWorkspace()
        let requestsPath = workspace.directory + "/requests.jsonl"
        let repliesPath = workspace.directory + "/replies.jsonl"
        let text = (0..<2000).map { checkRequest(id: $0) + "\n" }.joined()
        try text.write(toFile: requestsPath, atomically: true, encoding: .utf8)
        let input = open(requestsPath, O_RDONLY)
        let output = open(repliesPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer {
            close(input)
            close(output)
        }
        let service = try StdioService(
            admission: workspace.open(), configuration: ServiceConfiguration(), logger: quietLogger, input: input, output: output)
        try await ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger)
        ).run()
        let lines = try String(contentsOfFile: repliesPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2000)
        #expect(try JSONParser.parse(String(lines[1999]))["id"] == 1999)

        // Nothing to read at all: the service ends at once, answering nothing.
        let empty = open("/dev/null", O_RDONLY)
        defer { close(empty) }
        let replies = Pipe()
        let second = try StdioService(
            admission: workspace.open(), configuration: ServiceConfiguration(), logger: quietLogger, input: empty,
            output: replies.fileHandleForWriting.fileDescriptor)
        try await ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: second, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger)
        ).run()
        try replies.fileHandleForWriting.close()
        #expect(replies.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }

    @Test func theCallersDescriptorsStayOpenAndBlocking() async throws {
        let workspace = try ServiceWorkspace()
        let pipes = Pipes()
        let service = try makeService(workspace, pipes)
        let input = pipes.requests.fileHandleForReading.fileDescriptor
        let output = pipes.replies.fileHandleForWriting.fileDescriptor
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        async let lines = onThread { pipes.readAll() }
        async let written: Void = onThread {
            pipes.write(request("ping", id: 1) + "\n")
            try pipes.endInput()
        }
        try await group.run()
        try await written
        #expect(fcntl(input, F_GETFL) & O_NONBLOCK == 0)
        #expect(fcntl(output, F_GETFL) & O_NONBLOCK == 0)
        try pipes.replies.fileHandleForWriting.close()
        #expect(try await lines.count == 1)
    }

    /// Backpressure: while nobody reads the replies, the service stops reading its input (the
    /// writer blocks); once they are read, everything is answered.
    @Test(.timeLimit(.minutes(1))) func aClientThatStopsReadingIsNotReadFromWithoutBound() async throws {
        let workspace = try ServiceWorkspace()
        let pipes = Pipes()
        let service = try makeService(workspace, pipes)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        let running = Task { try await group.run() }
        // 2 KiB lines (the id carries the padding, and comes back in the reply): 32 MiB in all,
        // far more than the pipes, the channel's high-water mark and the reads in flight hold.
        let line = request("ping", id: .string(String(repeating: "x", count: 2000))) + "\n"
        let chunk = String(repeating: line, count: 100)
        let chunks = 160
        let sent = Mutex(0)
        async let written: Void = onThread {
            for _ in 0..<chunks {
                pipes.write(chunk)
                sent.withLock { $0 += 1 }
            }
            try pipes.endInput()
        }
        try await Task.sleep(for: .seconds(2))
        let stuckAt = sent.withLock { $0 }
        #expect(stuckAt < chunks / 2, "the service kept reading although nobody read its replies")
        async let lines = onThread { pipes.readAll() }
        try await written
        try await running.value
        try pipes.replies.fileHandleForWriting.close()
        #expect(try await lines.count == chunks * 100)
    }

    /// Standard output closed by the client: the service stops and ends.
    @Test(.timeLimit(.minutes(1))) func aClosedStandardOutputEndsTheService() async throws {
        let workspace = try ServiceWorkspace()
        let pipes = Pipes()
        let service = try makeService(workspace, pipes)
        try pipes.replies.fileHandleForReading.close()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quietLogger))
        let text = (0..<1000).map { request("ping", id: .number(JSONNumber($0))) + "\n" }.joined()
        let writer = Thread { pipes.write(text) }  // 45 KB: fits in the pipe, never blocks
        writer.start()
        try await group.run()
        try pipes.replies.fileHandleForWriting.close()
    }
}
