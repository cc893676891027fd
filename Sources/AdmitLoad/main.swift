import Foundation

/// `admit-load`: a load generator for `admit serve` (see BENCHMARKS.md, section "Service").
let options: LoadOptions
do { options = try LoadOptions.parse(Array(CommandLine.arguments.dropFirst())) } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
if let address = options.echo {
    do { try EchoServer.serve(address) } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
    exit(0)
}
let endpoint: Endpoint
do {
    if let address = options.connect { endpoint = try Endpoint(connect: address) } else { endpoint = try Endpoint(spawn: options.spawn) }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
let workload: Workload
do { workload = try Workload(options: options) } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}

/// Counts reply lines and error replies in what was read, without copying lines.
struct ReplyCounter {
    var lines = 0
    var errors = 0
    /// The start of the current line when it began in an earlier read (at most `window` bytes).
    private var head: [UInt8] = []
    private static let errorKey = Array(#""error":"#.utf8)
    /// Replies put `"error":` right after the id; looking this far into a line is enough.
    private static let window = 96

    /// Scans `bytes`; calls `onLine` with each complete reply line's index and the error replies before it.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, onLine: (Int, Int) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            let rest = bytes.count - start
            guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), rest) else {
                remember(base + start, count: rest)
                return
            }
            let end = base.distance(to: UnsafeRawPointer(found))
            remember(base + start, count: end - start)
            onLine(lines, errors)
            if isError() { errors += 1 }
            lines += 1
            head.removeAll(keepingCapacity: true)
            start = end + 1
        }
    }

    /// Keeps the first `window` bytes of the current line.
    private mutating func remember(_ bytes: UnsafeRawPointer, count: Int) {
        let wanted = min(count, Self.window - head.count)
        if wanted > 0 { head.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: wanted)) }
    }

    private func isError() -> Bool {
        let key = Self.errorKey
        guard head.count >= key.count else { return false }
        for start in 0...(head.count - key.count) where head[start] == key[0] {
            var index = 1
            while index < key.count, head[start + index] == key[index] { index += 1 }
            if index == key.count { return true }
        }
        return false
    }
}

func runRequestResponse() throws {
    var counter = ReplyCounter()
    var latencies = Latencies()
    latencies.samples.reserveCapacity(options.requests)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { buffer.deallocate() }
    func oneRequest(_ index: Int, record: Bool) throws {
        let line = workload.line(index)
        let start = now()
        try endpoint.write(line)
        let before = counter.lines
        while counter.lines == before {
            let count = endpoint.read(into: buffer)
            guard count > 0 else { throw LoadError("the service closed the connection") }
            counter.scan(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { _, _ in }
        }
        if record { latencies.samples.append(now() - start) }
    }
    for index in 0..<options.warmup { try oneRequest(index, record: false) }
    let errorsBefore = counter.errors
    let start = now()
    for index in 0..<options.requests { try oneRequest(options.warmup + index, record: true) }
    let seconds = Double(now() - start) / 1e9
    endpoint.finish()
    print("mode: request-response (one request in flight)")
    print(latencies.report(seconds: seconds, requests: options.requests, errors: counter.errors - errorsBefore))
}

func runPipelined() throws {
    // Prepare every request before the clock starts.
    let total = options.warmup + options.requests
    var prepared: [[UInt8]] = []
    var chunkEnds: [Int] = []  // index of the first request after each chunk
    var next = 0
    while next < total {
        let end = min(total, next + options.chunk)
        prepared.append(workload.lines(next..<end))
        chunkEnds.append(end)
        next = end
    }
    let chunks = prepared
    let sentAt = Timestamps(count: chunks.count)
    let sender = Thread {
        for (index, chunk) in chunks.enumerated() {
            sentAt.pointer[index] = now()
            do { try endpoint.write(chunk) } catch { break }
        }
    }
    var counter = ReplyCounter()
    var latencies = Latencies()
    latencies.samples.reserveCapacity(options.requests)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 8)
    defer { buffer.deallocate() }
    var timedStart: UInt64 = 0
    var errorsAtStart = 0
    var chunk = 0
    let saved = try options.save.map { path -> FileHandle in
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw LoadError("cannot create \(path)") }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }
    defer { try? saved?.close() }
    sender.start()
    while counter.lines < total {
        let count = endpoint.read(into: buffer)
        guard count > 0 else { throw LoadError("the service closed the connection after \(counter.lines) replies") }
        let arrived = now()
        if let saved { saved.write(Data(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))) }
        counter.scan(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { line, errorsBefore in
            while line >= chunkEnds[chunk] { chunk += 1 }
            if line == options.warmup {
                timedStart = arrived
                errorsAtStart = errorsBefore
            }
            if line >= options.warmup { latencies.samples.append(arrived - sentAt.pointer[chunk]) }
        }
    }
    let end = now()
    endpoint.finish()
    let measured = options.warmup == 0 ? Double(end - sentAt.pointer[0]) / 1e9 : Double(end - timedStart) / 1e9
    print("mode: pipelined (one connection, \(options.chunk) requests per write)")
    print(
        latencies.report(
            seconds: measured, requests: options.requests, errors: counter.errors - errorsAtStart))
}

do {
    switch options.mode {
    case .pipelined: try runPipelined()
    case .requestResponse: try runRequestResponse()
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}

/// When each chunk was sent: written by the sender thread before the chunk's write(2), read by
/// the reader only after a reply to that chunk arrived (the system calls order the two).
final class Timestamps: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt64>
    init(count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }
    deinit { pointer.deallocate() }
}
