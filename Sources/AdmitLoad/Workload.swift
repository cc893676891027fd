/// The `check` requests `admit-load` sends: users, lectures and instants in rotation.
struct Workload {
    let options: LoadOptions

    /// The request with sequence number `index` (its JSON-RPC id), as one line.
    func line(_ index: Int) -> [UInt8] {
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
