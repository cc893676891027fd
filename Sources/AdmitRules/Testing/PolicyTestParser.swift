import AdmitDomain

/// Reads one `*.tests` file; see `PolicyTestSuite` for the grammar.
struct PolicyTestParser {
    var stream: TokenStream
    let catalog: Catalog
    private var users: [String: (facts: Facts, location: SourceLocation)] = [:]
    private static let reserved: Set<String> = ["user", "expect"]

    init(source: PolicySource, catalog: Catalog) {
        stream = TokenStream(source)
        self.catalog = catalog
    }

    mutating func parse() -> [PolicyTestCase] {
        var cases: [PolicyTestCase] = []
        let isStart: (Token) -> Bool = { $0.kind == .word && PolicyTestParser.reserved.contains($0.text) }
        while !stream.atEnd {
            let statementStart = stream.position
            do throws(ParseAbort) {
                if stream.accept("user") {
                    try user()
                } else if stream.accept("expect") {
                    if let test = try expectation() { cases.append(test) }
                } else {
                    throw stream.fail(expected: "'user' or 'expect'")
                }
                if !stream.atEnd, !isStart(stream.current) { throw stream.fail(expected: "'user' or 'expect'") }
            } catch {
                stream.recover(statementStart: statementStart, until: isStart)
            }
        }
        return cases
    }

    private mutating func user() throws(ParseAbort) {
        let name = try stream.name("a test user name", reserved: PolicyTestParser.reserved)
        var user = User(
            id: UserID(Int64(users.count + 1)), email: PolicyTestParser.placeholderEmail, name: name.value,
            profession: .other, country: nil, account: .active, subscription: .none, registeredAt: .min)
        var enrolments: [Enrolment] = []
        while stream.current.kind == .word, !PolicyTestParser.reserved.contains(stream.current.text) {
            let keyword = stream.advance()
            switch keyword.text {
            case "account":
                let value = try stream.string("an account state in quotes")
                user.account = try typed(value, "account") { AccountState(rawValue: $0) }
            case "profession":
                let value = try stream.string("a profession in quotes")
                user.profession = try typed(value, "profession") { Profession(rawValue: $0) }
            case "country":
                let value = try stream.string("a country code in quotes")
                user.country = try typed(value, "country") { Schema.problem(with: $0, for: .country) == nil ? CountryCode($0) : nil }
            case "subscription":
                let value = try stream.string("a subscription in quotes")
                user.subscription = try typed(value, "subscription") { Subscription($0) }
            case "enrolled":
                try stream.expect("in")
                _ = stream.accept("package")
                let package = try stream.string("a package id in quotes")
                try checkPackage(package)
                try stream.expect("at")
                let at = try instant()
                let until = stream.accept("until") ? try instant() : nil
                enrolments.append(
                    Enrolment(user: user.id, package: PackageID(package.value), enrolledAt: at, source: .self, withdrawnAt: until))
            default:
                stream.diagnostics.append(
                    PolicyDiagnostic(
                        keyword.location,
                        .expected("'account', 'profession', 'country', 'subscription' or 'enrolled'", found: keyword.spelling)))
                throw ParseAbort()
            }
        }
        if let previous = users[name.value] {
            stream.diagnostics.append(PolicyDiagnostic(name.location, .duplicateUser(name.value, previous: previous.location)))
            return
        }
        users[name.value] = (Facts(user: user, enrolments: enrolments), name.location)
    }

    private mutating func expectation() throws(ParseAbort) -> PolicyTestCase? {
        let location = stream.previous.location
        let effect: Effect
        if stream.accept("allow") {
            effect = .allow
        } else if stream.accept("deny") {
            effect = .deny
        } else {
            throw stream.fail(expected: "'allow' or 'deny'")
        }
        let name = try stream.name("a test user name", reserved: PolicyTestParser.reserved)
        var request: AccessRequest
        if stream.accept("open") {
            _ = stream.accept("lecture")
            let id = try stream.string("a lecture id in quotes")
            guard let lecture = catalog.lecture(LectureID(id.value)) else {
                let suggestion = Suggestions.closest(to: id.value, in: catalog.lectureIDs.map(\.rawValue))
                stream.diagnostics.append(PolicyDiagnostic(id.location, .unknownLecture(id.value, suggestion: suggestion)))
                throw ParseAbort()
            }
            request = .open(lecture, at: .min)
        } else if stream.accept("enrol") {
            try stream.expect("in")
            _ = stream.accept("package")
            let id = try stream.string("a package id in quotes")
            try checkPackage(id)
            request = .enrol(in: PackageID(id.value), at: .min)
        } else {
            throw stream.fail(expected: "'open' or 'enrol'")
        }
        try stream.expect("at")
        request.at = try instant()
        var codes: [ReasonCode] = []
        if stream.accept("because") {
            repeat {
                let token = try stream.expect(.word, "a reason code such as window-closed")
                guard let code = ReasonCode(rawValue: token.text) else {
                    let suggestion = Suggestions.closest(to: token.text, in: ReasonCode.allCases.map(\.rawValue))
                    stream.diagnostics.append(PolicyDiagnostic(token.location, .unknownReasonCode(token.text, suggestion: suggestion)))
                    throw ParseAbort()
                }
                codes.append(code)
            } while stream.accept(.comma)
        }
        guard let user = users[name.value] else {
            let suggestion = Suggestions.closest(to: name.value, in: users.keys)
            stream.diagnostics.append(PolicyDiagnostic(name.location, .undefinedUser(name.value, suggestion: suggestion)))
            return nil
        }
        return PolicyTestCase(
            location: location, userName: name.value, facts: user.facts, request: request, expected: effect, expectedCodes: codes)
    }

    private mutating func instant() throws(ParseAbort) -> Instant {
        let token = try stream.expect(.time, "an instant such as 2020-11-20T23:59:59.999+01:00")
        do {
            return try Instant(parsing: token.text)
        } catch {
            stream.diagnostics.append(PolicyDiagnostic(token.location, .invalidTime(error)))
            throw ParseAbort()
        }
    }

    private mutating func checkPackage(_ id: Located<String>) throws(ParseAbort) {
        guard catalog.package(PackageID(id.value)) == nil else { return }
        let suggestion = Suggestions.closest(to: id.value, in: catalog.packages.map(\.id.rawValue))
        stream.diagnostics.append(PolicyDiagnostic(id.location, .unknownPackage(id.value, suggestion: suggestion)))
        throw ParseAbort()
    }

    private mutating func typed<T>(_ value: Located<String>, _ attribute: String, _ make: (String) -> T?) throws(ParseAbort) -> T {
        if let typed = make(value.value) { return typed }
        let expected = Schema.Attribute(rawValue: attribute).flatMap { Schema.problem(with: value.value, for: $0) } ?? "a valid value"
        stream.diagnostics.append(
            PolicyDiagnostic(value.location, .unknownValue(attribute: attribute, value: value.value, expected: expected)))
        throw ParseAbort()
    }

    private static let placeholderEmail: EmailAddress = {
        do { return try EmailAddress("test-user@example.org") } catch { preconditionFailure("the placeholder address is well formed") }
    }()
}
