import AdmitCSV
import AdmitDomain

/// A OneRoster user as registration applies it: a registration row keyed by the user's sourcedId.
struct RosterUser {
    /// `email` (from `email`, else a `username` that is an address), `name` (given and family
    /// names), `account` (from `enabledUser` and `status`), `externalID` (the sourcedId).
    var row: RegistrationRow
    var sourcedID: String
    /// `status` is `tobedeleted`: the account is closed (the user and their history stay).
    var deleted: Bool
}

/// A OneRoster enrolment as registration applies it.
struct RosterEnrolment {
    var line: Int
    var userSourcedID: String
    var classSourcedID: String
    /// The package the class map gives the class; nil when it names neither its sourcedId nor its title.
    var package: PackageID?
    /// The first day of the enrolment (`beginDate`), and the last (`endDate`, inclusive).
    var begin: LocalDate?
    var end: LocalDate?
    /// `status` is `tobedeleted`: the enrolment is withdrawn.
    var deleted: Bool
    /// Whether the package's `users.csv` is bulk, so that every user an enrolment names must be in it.
    var usersInFile: Bool
}

/// The rows of a OneRoster package for registration: `users.csv`, then `enrollments.csv`, with
/// classes resolved through `classes.csv` and the class map.
///
/// `classes.csv` is read first, into memory (a class is a sourcedId and a title); a bad class
/// row is a reject like any other. The users and enrolments are streamed. Each row is checked
/// here for what needs no database: required values, enumerations, ISO 8601 dates, the class
/// being in `classes.csv`; the registration run resolves users and applies the rest.
struct OneRosterSource: RegistrationSource {
    let package: RosterPackage
    let classMap: ClassMap
    private var pending: [RegistrationInput] = []
    private var users: RosterTable<MeasuredByteSource>?
    private var enrolments: RosterTable<MeasuredByteSource>?
    /// Class titles by sourcedId; nil when the package has no `classes.csv`.
    private var classes: [String: String]?
    private let usersInFile: Bool
    private var measured: [MeasuredByteSource] = []

    /// Checks every header the run will read and loads the classes; throws before any row is applied.
    init(package: RosterPackage, classMap: ClassMap) throws(AdmitError) {
        self.package = package
        self.classMap = classMap
        usersInFile = package.mode(.users) == .bulk
        let version = package.version
        var counters: [MeasuredByteSource] = []
        func table(_ file: RosterFile) throws(AdmitError) -> RosterTable<MeasuredByteSource>? {
            guard package.mode(file) != .absent else { return nil }
            let source = MeasuredByteSource(try package.open(file), hashing: false)
            counters.append(source)
            return try RosterTable(bytes: source, file: file, version: version)
        }
        var problems: [String] = []
        func checked(_ file: RosterFile) -> RosterTable<MeasuredByteSource>? {
            do { return try table(file) } catch {
                switch error {
                case .invalidInput(.headerProblems(_, let each)), .invalidInput(.problems(_, let each)): problems += each
                default: problems.append(error.description)
                }
                return nil
            }
        }
        let users = checked(.users)
        let enrolments = checked(.enrollments)
        let classTable = checked(.classes)
        if version == .version12 { _ = checked(.roles) }
        guard problems.isEmpty else {
            throw .invalidInput(.problems(path: package.path, problems: problems))
        }
        self.users = users
        self.enrolments = enrolments
        measured = counters
        if var table = classTable {
            var titles: [String: String] = [:]
            while let item = try table.next() {
                switch item {
                case .malformed(let reject, let raw):
                    pending.append(RegistrationInput(content: .malformed(reject), original: .bytes(raw)))
                case .record(let record):
                    let reject = { (column: String, rejectClass: RejectClass, message: String) in
                        RegistrationInput(
                            content: .malformed(
                                RegistrationReject(
                                    line: record.line, column: column, rejectClass: rejectClass, message: message,
                                    file: RosterFile.classes.fileName)),
                            original: .fields(record.fields))
                    }
                    guard let id = record["sourcedId"] else {
                        pending.append(reject("sourcedId", .missingValue, "the class has no sourcedId"))
                        continue
                    }
                    if let status = record["status"], status.lowercasedASCII() == "tobedeleted" { continue }
                    titles[id] = record["title"] ?? ""
                }
            }
            classes = titles
        }
    }

    /// The byte counters of the files read (their sum is how far the run has got).
    var counters: [MeasuredByteSource] { measured }

    mutating func next() throws(AdmitError) -> RegistrationInput? {
        if !pending.isEmpty { return pending.removeFirst() }
        if users != nil {
            if let item = try users!.next() { return user(item) }
            users = nil
        }
        if enrolments != nil {
            if let item = try enrolments!.next() { return enrolment(item) }
            enrolments = nil
        }
        return nil
    }

    // MARK: Users

    private func user(_ item: RosterTable<MeasuredByteSource>.Item) -> RegistrationInput {
        let record: RosterRecord
        switch item {
        case .malformed(let reject, let raw): return RegistrationInput(content: .malformed(reject), original: .bytes(raw))
        case .record(let read): record = read
        }
        let file = RosterFile.users.fileName
        func reject(_ column: String, _ rejectClass: RejectClass, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(
                    RegistrationReject(line: record.line, column: column, rejectClass: rejectClass, message: message, file: file)),
                original: .fields(record.fields))
        }
        guard let sourcedID = record["sourcedId"] else { return reject("sourcedId", .missingValue, "the user has no sourcedId") }
        let deleted: Bool
        switch Self.status(record["status"]) {
        case .some(let value): deleted = value
        case .none:
            return reject(
                "status", .invalidValue, "'\(RegistrationRow.shown(record["status"] ?? ""))' is not a status (active or tobedeleted)")
        }
        if let problem = Self.dateTimeProblem(record["dateLastModified"]) { return reject("dateLastModified", .invalidValue, problem) }
        var row = RegistrationRow(line: record.line)
        row.externalID = sourcedID
        if let email = record["email"] {
            row.email = email
        } else if let username = record["username"], username.contains("@") {
            row.email = username
        }
        if deleted {
            row.account = AccountState.closed.rawValue
            return RegistrationInput(
                content: .rosterUser(RosterUser(row: row, sourcedID: sourcedID, deleted: deleted)), original: .fields(record.fields))
        }
        guard let enabled = record["enabledUser"] else {
            return reject("enabledUser", .missingValue, "enabledUser is required (true or false)")
        }
        switch enabled.lowercasedASCII() {
        case "true": row.account = AccountState.active.rawValue
        case "false": row.account = AccountState.suspended.rawValue
        default: return reject("enabledUser", .invalidValue, "'\(RegistrationRow.shown(enabled))' is not true or false")
        }
        let names = [record["givenName"], record["familyName"]].compactMap { $0 }
        guard !names.isEmpty else { return reject("givenName", .missingValue, "the user has neither a givenName nor a familyName") }
        row.name = names.joined(separator: " ")
        return RegistrationInput(
            content: .rosterUser(RosterUser(row: row, sourcedID: sourcedID, deleted: deleted)), original: .fields(record.fields))
    }

    // MARK: Enrolments

    private func enrolment(_ item: RosterTable<MeasuredByteSource>.Item) -> RegistrationInput {
        let record: RosterRecord
        switch item {
        case .malformed(let reject, let raw): return RegistrationInput(content: .malformed(reject), original: .bytes(raw))
        case .record(let read): record = read
        }
        let file = RosterFile.enrollments.fileName
        func reject(_ column: String, _ rejectClass: RejectClass, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(
                    RegistrationReject(line: record.line, column: column, rejectClass: rejectClass, message: message, file: file)),
                original: .fields(record.fields))
        }
        guard record["sourcedId"] != nil else { return reject("sourcedId", .missingValue, "the enrolment has no sourcedId") }
        guard let user = record["userSourcedId"] else { return reject("userSourcedId", .missingValue, "the enrolment names no user") }
        guard let classID = record["classSourcedId"] else { return reject("classSourcedId", .missingValue, "the enrolment names no class") }
        let deleted: Bool
        switch Self.status(record["status"]) {
        case .some(let value): deleted = value
        case .none:
            return reject(
                "status", .invalidValue, "'\(RegistrationRow.shown(record["status"] ?? ""))' is not a status (active or tobedeleted)")
        }
        if let problem = Self.dateTimeProblem(record["dateLastModified"]) { return reject("dateLastModified", .invalidValue, problem) }
        var dates: [LocalDate?] = []
        for column in ["beginDate", "endDate"] {
            guard let text = record[column] else {
                dates.append(nil)
                continue
            }
            guard case .date(let date)? = try? TimeLiteral(parsing: text) else {
                return reject(column, .invalidValue, "'\(RegistrationRow.shown(text))' is not an ISO 8601 date (YYYY-MM-DD)")
            }
            dates.append(date)
        }
        if let begin = dates[0], let end = dates[1], end < begin {
            return reject("endDate", .invalidValue, "the enrolment ends (\(end)) before it begins (\(begin))")
        }
        var title: String?
        if let classes {
            guard let known = classes[classID] else {
                if deleted {  // a class deleted with its enrolments need not be listed any more
                    return RegistrationInput(
                        content: .rosterEnrolment(
                            RosterEnrolment(
                                line: record.line, userSourcedID: user, classSourcedID: classID,
                                package: classMap.package(sourcedID: classID, title: nil), begin: dates[0], end: dates[1], deleted: true,
                                usersInFile: usersInFile)),
                        original: .fields(record.fields))
                }
                return reject(
                    "classSourcedId", .unknownReference,
                    "class '\(RegistrationRow.shown(classID))' is in no row of \(RosterFile.classes.fileName)")
            }
            title = known
        }
        return RegistrationInput(
            content: .rosterEnrolment(
                RosterEnrolment(
                    line: record.line, userSourcedID: user, classSourcedID: classID,
                    package: classMap.package(sourcedID: classID, title: title), begin: dates[0], end: dates[1], deleted: deleted,
                    usersInFile: usersInFile)),
            original: .fields(record.fields))
    }

    // MARK: Values

    /// `status`: false for empty or `active`, true for `tobedeleted` (any ASCII case); nil for anything else.
    static func status(_ text: String?) -> Bool? {
        switch text?.lowercasedASCII() {
        case nil, "active": false
        case "tobedeleted": true
        default: nil
        }
    }

    /// What is wrong with a `dateLastModified`: nil when absent, or an ISO 8601 date or instant.
    static func dateTimeProblem(_ text: String?) -> String? {
        guard let text else { return nil }
        switch try? TimeLiteral(parsing: text) {
        case .date?, .instant?: return nil
        case .local?: return "'\(RegistrationRow.shown(text))' has no offset; an ISO 8601 date-time here ends in Z or ±HH:MM"
        case nil: return "'\(RegistrationRow.shown(text))' is not an ISO 8601 date-time (such as 2020-11-08T09:00:00Z)"
        }
    }
}
