import Admit
import AdmitJSON
import Foundation
import Logging
import NIOCore

@testable import AdmitService

/// The service's request path over one connection: the bytes of a read in, the reply lines out,
/// as the TCP and stdio fronts run it. One in-memory database for the whole run.
nonisolated(unsafe) let session: (dispatcher: Dispatcher, limits: ServiceLimits) = {
    do {
        let admission = try Admission(configuration: AdmitConfiguration(databasePath: ":memory:", actor: "fuzz"))
        _ = try admission.holdFactsInMemory()
        let limits = ServiceLimits(maxLineBytes: 4096, maxBatch: 16)
        let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        return (Dispatcher(admission: admission, limits: limits, token: nil, logger: logger), limits)
    } catch {
        fatalError("cannot open a database for fuzzing (run from the repository's root): \(error)")
    }
}()

/// Opens the database before the first input, so that what it keeps for the whole run is not
/// taken for a leak of that input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    _ = session
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    var requests = RequestStream(limits: session.limits)
    var replies = ReplyWriter()
    var buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    requests.append(&buffer)
    requests.finish()  // the last line counts even without its newline, as at the end of input
    while let read = requests.take() {
        let answers = session.dispatcher.run(read.calls, from: .stdio)
        var out = ByteBuffer()
        replies.write(read, answers: answers, into: &out)
        // Every reply is one line of valid JSON.
        for line in String(buffer: out).split(separator: "\n") where (try? JSONParser.parse(String(line))) == nil {
            fatalError("a reply that is not JSON: \(line)")
        }
    }
    return 0
}

// SwiftPM links a debug executable with `main` renamed to `FuzzService_main`: this one hands over
// to libFuzzer's driver, as libFuzzer's own `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzService_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
