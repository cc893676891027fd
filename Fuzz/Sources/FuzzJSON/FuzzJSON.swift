import AdmitJSON

/// Bytes in, a value or an error out; a value written and read again is the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = value.serializedBytes()
    guard let again = try? JSONParser.parse(written) else { fatalError("what the writer wrote does not parse") }
    guard again.serializedBytes() == written else { fatalError("written twice, written differently") }
    return 0
}

// SwiftPM links a debug executable with `main` renamed to `FuzzJSON_main`: this one hands over
// to libFuzzer's driver, as libFuzzer's own `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzJSON_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
