import Foundation

/// The `check` requests `admit-load` sends: the lines of `--file`, or users, lectures and
/// instants in rotation.
struct Workload {
    let options: LoadOptions
    /// The lines of `--file`, each with its newline.
    private let fileLines: [[UInt8]]

    init(options: LoadOptions) throws {
        self.options = options
        guard let path = options.file else {
            fileLines = []
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError("cannot read \(path)") }
        fileLines = data.split(separator: 0x0A).map { Array($0) + [0x0A] }
        guard !fileLines.isEmpty else { throw LoadError("\(path) has no lines") }
    }

    /// The request with sequence number `index` (its JSON-RPC id), as one line.
    func line(_ index: Int) -> [UInt8] {
        if !fileLines.isEmpty { return fileLines[index % fileLines.count] }
        if options.method == "ping" { return Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"ping"}"#.utf8) + [0x0A] }
        let user = options.users[index % options.users.count]
        let lecture = index % options.lectures + 1
        let day = 1 + (index * 7) % 30
        let text =
            #"{"jsonrpc":"2.0","id":\#(index),"method":"check","params":{"user":"\#(user)","lecture":"idor-2020-\#(lecture < 10 ? "0" : "")\#(lecture)","at":"2020-11-\#(day < 10 ? "0" : "")\#(day)T10:00:00+01:00"}}"#
            + "\n"
        return Array(text.utf8)
    }

    /// Requests `range`, concatenated.
    func lines(_ range: Range<Int>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count * 160)
        for index in range { bytes += line(index) }
        return bytes
    }
}
