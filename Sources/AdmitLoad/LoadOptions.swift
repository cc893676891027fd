import Foundation

/// The command line of `admit-load`.
struct LoadOptions {
    enum Mode: String { case pipelined, requestResponse = "request-response" }

    var mode = Mode.pipelined
    /// `HOST:PORT` of a running `admit serve --listen`.
    var connect: String?
    /// A command to start, speaking the protocol on its standard input and output.
    var spawn: [String] = []
    var requests = 1_000_000
    var warmup = 10_000
    /// Requests sent per write in pipelined mode.
    var chunk = 500
    var users = ["ada@example.org", "ben@example.org", "cleo@example.org", "dan@example.org"]
    var lectures = 39
    /// `check` (decided and logged) or `ping` (the transport alone).
    var method = "check"
    /// A file of request lines to send (in order, from the first line again when there are fewer
    /// than warm-up and requests together) instead of the built-in rotation.
    var file: String?
    /// Where to write every reply, as received (pipelined mode).
    var save: String?
    /// `HOST:PORT` to serve as a trivial echo server instead (the floor of request-response).
    var echo: String?

    static let usage = """
        usage: admit-load [--mode pipelined|request-response] (--connect HOST:PORT | --spawn CMD ARGS... --)
                          [--requests N] [--warmup N] [--chunk N] [--users a@x,b@y] [--lectures N] [--method check|ping]
                          [--file REQUESTS.jsonl] [--save REPLIES.jsonl]
               admit-load --echo HOST:PORT

        Sends `check` requests to an Admit service and reports requests per second and latency
        percentiles. pipelined: one connection, requests written in chunks of --chunk without waiting
        (replies read on another thread). request-response: one request in flight at a time.
        --file sends the lines of a file instead of the built-in rotation of the four seed users;
        --save writes every reply to a file. --echo serves a trivial echo server (each connection
        gets back what it sends), the floor for request-response over TCP.
        """

    static func parse(_ arguments: [String]) throws -> LoadOptions {
        var options = LoadOptions()
        var rest = arguments[...]
        func value(_ name: String) throws -> String {
            guard let next = rest.popFirst() else { throw LoadError("\(name) needs a value") }
            return next
        }
        func number(_ name: String) throws -> Int {
            guard let number = Int(try value(name)), number >= 0 else { throw LoadError("\(name) needs a whole number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--mode":
                let text = try value(argument)
                guard let mode = Mode(rawValue: text) else { throw LoadError("--mode is pipelined or request-response, not '\(text)'") }
                options.mode = mode
            case "--connect": options.connect = try value(argument)
            case "--spawn":
                while let word = rest.popFirst(), word != "--" { options.spawn.append(word) }
            case "--requests": options.requests = try number(argument)
            case "--warmup": options.warmup = try number(argument)
            case "--chunk": options.chunk = max(1, try number(argument))
            case "--users": options.users = try value(argument).split(separator: ",").map(String.init)
            case "--lectures": options.lectures = max(1, try number(argument))
            case "--method":
                let text = try value(argument)
                guard text == "check" || text == "ping" else { throw LoadError("--method is check or ping, not '\(text)'") }
                options.method = text
            case "--file": options.file = try value(argument)
            case "--save": options.save = try value(argument)
            case "--echo": options.echo = try value(argument)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw LoadError("unknown argument '\(argument)'\n\(usage)")
            }
        }
        if options.echo != nil { return options }
        guard (options.connect == nil) != options.spawn.isEmpty else {
            throw LoadError("give exactly one of --connect and --spawn\n\(usage)")
        }
        return options
    }
}

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
