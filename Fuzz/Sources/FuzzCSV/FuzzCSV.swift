import AdmitCSV

/// Bytes in, records or a located problem out, in chunks of every size the reader may get.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    // The first byte picks the chunk size, so that records split across reads are fuzzed too.
    let chunk = bytes.first.map { Int($0 % 17) + 1 }
    var reader = CSVReader(
        source: MemoryByteSource(Array(bytes.dropFirst()), maximumChunkSize: chunk), options: CSVOptions(maximumFieldBytes: 4096))
    var lastLine = 0
    while true {
        guard let row = try? reader.next() else { break }
        guard row.line > lastLine else { fatalError("line numbers go back: \(row.line) after \(lastLine)") }
        lastLine = row.line
        _ = row.problem?.message
    }
    return 0
}

// SwiftPM links a debug executable with `main` renamed to `FuzzCSV_main`: this one hands over
// to libFuzzer's driver, as libFuzzer's own `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
