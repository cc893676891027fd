import Admit
import AdmitCSV
import Foundation

/// One database for the whole run, in memory, seeded from the repository's Seeds/ and Policies/
/// (Fuzz/run.sh runs from the repository's root).
nonisolated(unsafe) let admission: Admission = {
    do {
        return try Admission(configuration: AdmitConfiguration(databasePath: ":memory:", actor: "fuzz"))
    } catch {
        fatalError("cannot open a database for fuzzing (run from the repository's root): \(error)")
    }
}()

/// Registration input in (CSV, or JSON Lines when the first byte is odd), a summary or an error
/// out; a dry run with an enrolment, so that every row is validated and decided but none written.
/// Opens the database before the first input, so that what it keeps for the whole run is not
/// taken for a leak of that input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    _ = admission
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let format: RegistrationFormat = (bytes.first ?? 0) & 1 == 1 ? .jsonl : .csv
    let options = RegistrationOptions(dryRun: true, package: "idor-2020", chunkSize: 7)
    if let summary = try? admission.register(
        bytes: MemoryByteSource(Array(bytes.dropFirst())), name: "fuzz", format: format, options: options)
    {
        guard summary.rows >= summary.rejected else { fatalError("more rows rejected (\(summary.rejected)) than read (\(summary.rows))") }
    }
    return 0
}

// SwiftPM links a debug executable with `main` renamed to `FuzzRegister_main`: this one hands over
// to libFuzzer's driver, as libFuzzer's own `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzRegister_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
