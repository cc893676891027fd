/// Where a PostgreSQL database is and who connects to it: `postgresql://USER[:PASSWORD]@HOST:PORT/DB`
/// (or `postgres://`).
///
/// The password comes from the URL, else from `PGPASSWORD`. Parts are percent-decoded, so a
/// password may hold `@` or `/` written as `%40`, `%2F`. An IPv6 host is written in brackets.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The role to connect as.
    public var user: String
    /// The role's password, if any.
    public var password: String?
    /// The database's name.
    public var database: String

    /// A URL from its parts.
    public init(host: String, port: Int, user: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Whether a text is meant as a PostgreSQL URL (it starts with the scheme), whatever follows.
    public static func isPostgresURL(_ text: String) -> Bool {
        schemeLength(text) != nil
    }

    /// The length of `text`'s scheme and `://` when it is PostgreSQL's (in any case, as URL
    /// schemes are), else nil.
    static func schemeLength(_ text: String) -> Int? {
        let lowered = text.prefix(13).lowercased()
        if lowered.hasPrefix("postgresql://") { return 13 }
        if lowered.hasPrefix("postgres://") { return 11 }
        return nil
    }

    /// Parses `text`; `environment` gives `PGPASSWORD` when the URL holds no password.
    ///
    /// - Throws: ``PostgresStoreError/invalidURL(text:problem:)``, with the password masked.
    public init(parsing text: String, environment: [String: String] = [:]) throws(PostgresStoreError) {
        let shown = Self.masked(text)
        func fail(_ problem: PostgresStoreError.URLProblem) -> PostgresStoreError {
            .invalidURL(text: shown, problem: problem)
        }
        guard let scheme = Self.schemeLength(text) else { throw fail(.scheme) }
        var rest = text.dropFirst(scheme)
        guard let at = rest.lastIndex(of: "@") else { throw fail(.user) }
        let userInfo = rest[..<at]
        rest = rest[rest.index(after: at)...]
        let userText: Substring
        var passwordText: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            userText = userInfo[..<colon]
            passwordText = userInfo[userInfo.index(after: colon)...]
        } else {
            userText = userInfo
        }
        guard let slash = rest.firstIndex(of: "/") else { throw fail(.database) }
        let authority = rest[..<slash]
        let databaseText = rest[rest.index(after: slash)...]
        if databaseText.contains("?") {
            // Parameters would be silently ignored (sslmode=require among them): refused instead.
            throw fail(.parameters)
        }

        let hostText: Substring
        let portText: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail(.host) }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.hasPrefix(":") else { throw fail(.port("")) }
            portText = after.dropFirst()
        } else {
            guard let colon = authority.lastIndex(of: ":") else {
                if authority.isEmpty { throw fail(.host) }
                throw fail(.port(""))
            }
            hostText = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !hostText.isEmpty else { throw fail(.host) }
        guard !portText.isEmpty else { throw fail(.port("")) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65535).contains(port) else {
            throw fail(.port(String(portText)))
        }
        guard let user = Self.decoded(userText), let database = Self.decoded(databaseText), let host = Self.decoded(hostText)
        else { throw fail(.encoding) }
        guard !user.isEmpty else { throw fail(.user) }
        guard !database.isEmpty else { throw fail(.database) }
        var password: String?
        if let passwordText {
            guard let decoded = Self.decoded(passwordText) else { throw fail(.encoding) }
            password = decoded
        }
        if password == nil || password == "" { password = environment["PGPASSWORD"] ?? password }
        self.init(host: host, port: port, user: user, password: password, database: database)
    }

    /// The URL without its password (for messages and logs).
    public var description: String {
        "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    /// The same server and user, another database.
    public func with(database: String) -> PostgresURL {
        PostgresURL(host: host, port: port, user: user, password: password, database: database)
    }

    /// `text` with the password part of `scheme://user:password@` replaced by `***`.
    public static func masked(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        var shown = text
        let afterScheme = text[scheme.upperBound...]
        if let at = afterScheme.lastIndex(of: "@"), let colon = afterScheme[..<at].firstIndex(of: ":") {
            shown = String(text[..<afterScheme.index(after: colon)]) + "***" + String(afterScheme[at...])
        }
        // A password given as a parameter (`?password=…`), in any case.
        guard let query = shown.firstIndex(of: "?") else { return shown }
        let parameters = shown[shown.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { parameter in
            guard let equals = parameter.firstIndex(of: "="), parameter[..<equals].lowercased() == "password" else {
                return String(parameter)
            }
            return String(parameter[...equals]) + "***"
        }
        return String(shown[...query]) + parameters.joined(separator: "&")
    }

    /// Percent-decodes `text` as UTF-8; nil when an escape is malformed or the bytes are not UTF-8.
    static func decoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
