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
    /// The user's role (`OneRosterRole.stored`): 1.1's `role` column, or the 1.2 user's primary
    /// role in `roles.csv`; nil when neither gives one (and for a deletion).
    var role: String? = nil
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
    /// A valid row of `roles.csv`, kept until `users.csv` is read.
    private struct RoleRow {
        var line: Int
        var userSourcedID: String
        var fields: [String]
    }
    private var roles: [RoleRow] = []
    /// Each user's primary role in `roles.csv` (1.2), by sourcedId.
    private var primaryRoles: [String: String] = [:]
    /// The sourcedIds of the rows of a bulk `users.csv` read so far; nil when no role needs them.
    private var seenUsers: Set<String>?

    /// Where the columns read on every row are, found once per file.
    private struct UserColumns {
        let sourcedID, status, dateLastModified, enabledUser, role, username, givenName, familyName, email: Int?
        init(_ header: RosterHeader) {
            let at = header.positions
            (sourcedID, status, dateLastModified, enabledUser, role) = (
                at["sourcedId"], at["status"], at["dateLastModified"], at["enabledUser"], at["role"]
            )
            (username, givenName, familyName, email) = (at["username"], at["givenName"], at["familyName"], at["email"])
        }
    }
    private struct EnrolmentColumns {
        let sourcedID, status, dateLastModified, classSourcedID, userSourcedID, beginDate, endDate: Int?
        init(_ header: RosterHeader) {
            let at = header.positions
            (sourcedID, status, dateLastModified, classSourcedID) = (
                at["sourcedId"], at["status"], at["dateLastModified"], at["classSourcedId"]
            )
            (userSourcedID, beginDate, endDate) = (at["userSourcedId"], at["beginDate"], at["endDate"])
        }
    }
    private var userColumns: UserColumns?
    private var enrolmentColumns: EnrolmentColumns?

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
        let roleTable = version == .version12 ? checked(.roles) : nil
        guard problems.isEmpty else {
            throw .invalidInput(.problems(path: package.path, problems: problems))
        }
        self.users = users
        self.enrolments = enrolments
        userColumns = users.map { UserColumns($0.header) }
        enrolmentColumns = enrolments.map { EnrolmentColumns($0.header) }
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
                    if let column = record.missingRequired() {
                        pending.append(reject(column, .missingValue, Self.requiredMessage(version)))
                        continue
                    }
                    titles[id] = record["title"] ?? ""
                }
            }
            classes = titles
        }
        if var table = roleTable { try readRoles(&table) }
    }

    /// Reads `roles.csv` (1.2): each row's values are checked, a bad row is a reject; the valid
    /// rows are kept to check, once `users.csv` is read, that their user is in it.
    private mutating func readRoles(_ table: inout RosterTable<MeasuredByteSource>) throws(AdmitError) {
        let version = package.version
        var primary: [String: Int] = [:]
        while let item = try table.next() {
            let record: RosterRecord
            switch item {
            case .malformed(let reject, let raw):
                pending.append(RegistrationInput(content: .malformed(reject), original: .bytes(raw)))
                continue
            case .record(let read): record = read
            }
            func reject(_ column: String, _ rejectClass: RejectClass, _ message: String) {
                pending.append(
                    RegistrationInput(
                        content: .malformed(
                            RegistrationReject(
                                line: record.line, column: column, rejectClass: rejectClass, message: message,
                                file: RosterFile.roles.fileName)),
                        original: .fields(record.fields)))
            }
            guard let status = Self.status(record["status"]) else {
                reject(
                    "status", .invalidValue, "'\(RegistrationRow.shown(record["status"] ?? ""))' is not a status (active or tobedeleted)")
                continue
            }
            if let problem = Self.dateTimeProblem(record["dateLastModified"]) {
                reject("dateLastModified", .invalidValue, problem)
                continue
            }
            let deleted = status
            if let column = record.missingRequired(skipping: deleted ? ["roleType", "role", "orgSourcedId"] : []) {
                reject(column, .missingValue, Self.requiredMessage(version))
                continue
            }
            if deleted { continue }  // a role withdrawn: nothing of it is used
            let user = record["userSourcedId"] ?? ""
            let roleType = (record["roleType"] ?? "").lowercasedASCII()
            guard roleType == "primary" || roleType == "secondary" else {
                reject("roleType", .invalidValue, "'\(RegistrationRow.shown(record["roleType"] ?? ""))' is not primary or secondary")
                continue
            }
            guard OneRosterRole(caseless: record["role"] ?? "") != nil else {
                reject(
                    "role", .invalidValue,
                    "'\(RegistrationRow.shown(record["role"] ?? ""))' is not a OneRoster 1.2 role ("
                        + OneRosterRole.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                continue
            }
            var dates: [LocalDate?] = []
            var bad = false
            for column in ["beginDate", "endDate"] {
                guard let text = record[column] else {
                    dates.append(nil)
                    continue
                }
                guard case .date(let date)? = try? TimeLiteral(parsing: text) else {
                    reject(column, .invalidValue, "'\(RegistrationRow.shown(text))' is not an ISO 8601 date (YYYY-MM-DD)")
                    bad = true
                    break
                }
                dates.append(date)
            }
            if bad { continue }
            if let begin = dates[0], let end = dates[1], end < begin {
                reject("endDate", .invalidValue, "the role ends (\(end)) before it begins (\(begin))")
                continue
            }
            if roleType == "primary" {
                if let earlier = primary[user] {
                    reject(
                        "roleType", .invalidValue,
                        "user '\(RegistrationRow.shown(user))' already has a primary role (\(RosterFile.roles.fileName) line \(earlier))")
                    continue
                }
                primary[user] = record.line
                primaryRoles[user] = OneRosterRole.stored(record["role"] ?? "")
            }
            roles.append(RoleRow(line: record.line, userSourcedID: user, fields: record.fields))
        }
        if !roles.isEmpty && usersInFile { seenUsers = [] }
    }

    /// The byte counters of the files read (their sum is how far the run has got).
    var counters: [MeasuredByteSource] { measured }

    mutating func next() throws(AdmitError) -> RegistrationInput? {
        if !pending.isEmpty { return pending.removeFirst() }
        if users != nil {
            if let item = try users!.next() {
                if seenUsers != nil, case .record(let record) = item, let id = record[at: userColumns?.sourcedID] {
                    seenUsers!.insert(id)
                }
                return user(item)
            }
            users = nil
            if let seen = seenUsers {
                seenUsers = nil
                for role in roles where !seen.contains(role.userSourcedID) {
                    pending.append(
                        RegistrationInput(
                            content: .malformed(
                                RegistrationReject(
                                    line: role.line, column: "userSourcedId", rejectClass: .unknownReference,
                                    message:
                                        "user '\(RegistrationRow.shown(role.userSourcedID))' is in no row of \(RosterFile.users.fileName)",
                                    file: RosterFile.roles.fileName)),
                            original: .fields(role.fields)))
                }
                roles = []
                if !pending.isEmpty { return pending.removeFirst() }
            }
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
        guard let column = userColumns else { preconditionFailure("a user row without users.csv") }
        func reject(_ column: String, _ rejectClass: RejectClass, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(
                    RegistrationReject(line: record.line, column: column, rejectClass: rejectClass, message: message, file: file)),
                original: .fields(record.fields))
        }
        guard let sourcedID = record[at: column.sourcedID] else { return reject("sourcedId", .missingValue, "the user has no sourcedId") }
        let deleted: Bool
        switch Self.status(record[at: column.status]) {
        case .some(let value): deleted = value
        case .none:
            return reject(
                "status", .invalidValue,
                "'\(RegistrationRow.shown(record[at: column.status] ?? ""))' is not a status (active or tobedeleted)")
        }
        if let problem = Self.dateTimeProblem(record[at: column.dateLastModified]) {
            return reject("dateLastModified", .invalidValue, problem)
        }
        var row = RegistrationRow(line: record.line)
        row.externalID = sourcedID
        if let email = record[at: column.email] {
            row.email = email
        } else if let username = record[at: column.username], username.contains("@") {
            row.email = username
        }
        if !deleted, let column = record.missingRequired() {
            return reject(column, .missingValue, Self.requiredMessage(package.version))
        }
        if deleted {
            row.account = AccountState.closed.rawValue
            return RegistrationInput(
                content: .rosterUser(RosterUser(row: row, sourcedID: sourcedID, deleted: deleted)), original: .fields(record.fields))
        }
        guard let enabled = record[at: column.enabledUser] else {
            return reject("enabledUser", .missingValue, "enabledUser is required (true or false)")
        }
        switch enabled.lowercasedASCII() {
        case "true": row.account = AccountState.active.rawValue
        case "false": row.account = AccountState.suspended.rawValue
        default: return reject("enabledUser", .invalidValue, "'\(RegistrationRow.shown(enabled))' is not true or false")
        }
        switch (record[at: column.givenName], record[at: column.familyName]) {
        case (nil, nil): return reject("givenName", .missingValue, "the user has neither a givenName nor a familyName")
        // The export writes a one-word name as both givenName and familyName (both are required).
        case (let given?, let family?): row.name = given == family ? given : given + " " + family
        case (let one?, nil), (nil, let one?): row.name = one
        }
        let role = package.version == .version11 ? record[at: column.role].map(OneRosterRole.stored) : primaryRoles[sourcedID]
        return RegistrationInput(
            content: .rosterUser(RosterUser(row: row, sourcedID: sourcedID, deleted: deleted, role: role)),
            original: .fields(record.fields))
    }

    // MARK: Enrolments

    private func enrolment(_ item: RosterTable<MeasuredByteSource>.Item) -> RegistrationInput {
        let record: RosterRecord
        switch item {
        case .malformed(let reject, let raw): return RegistrationInput(content: .malformed(reject), original: .bytes(raw))
        case .record(let read): record = read
        }
        let file = RosterFile.enrollments.fileName
        guard let column = enrolmentColumns else { preconditionFailure("an enrolment row without enrollments.csv") }
        func reject(_ column: String, _ rejectClass: RejectClass, _ message: String) -> RegistrationInput {
            RegistrationInput(
                content: .malformed(
                    RegistrationReject(line: record.line, column: column, rejectClass: rejectClass, message: message, file: file)),
                original: .fields(record.fields))
        }
        guard record[at: column.sourcedID] != nil else { return reject("sourcedId", .missingValue, "the enrolment has no sourcedId") }
        guard let user = record[at: column.userSourcedID] else {
            return reject("userSourcedId", .missingValue, "the enrolment names no user")
        }
        guard let classID = record[at: column.classSourcedID] else {
            return reject("classSourcedId", .missingValue, "the enrolment names no class")
        }
        let deleted: Bool
        switch Self.status(record[at: column.status]) {
        case .some(let value): deleted = value
        case .none:
            return reject(
                "status", .invalidValue,
                "'\(RegistrationRow.shown(record[at: column.status] ?? ""))' is not a status (active or tobedeleted)")
        }
        if let problem = Self.dateTimeProblem(record[at: column.dateLastModified]) {
            return reject("dateLastModified", .invalidValue, problem)
        }
        if !deleted, let column = record.missingRequired() {
            return reject(column, .missingValue, Self.requiredMessage(package.version))
        }
        var dates: (LocalDate?, LocalDate?) = (nil, nil)
        for (name, position) in [("beginDate", column.beginDate), ("endDate", column.endDate)] {
            guard let text = record[at: position] else { continue }
            guard case .date(let date)? = try? TimeLiteral(parsing: text) else {
                return reject(name, .invalidValue, "'\(RegistrationRow.shown(text))' is not an ISO 8601 date (YYYY-MM-DD)")
            }
            if name == "beginDate" { dates.0 = date } else { dates.1 = date }
        }
        if let begin = dates.0, let end = dates.1, end < begin {
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
                                package: classMap.package(sourcedID: classID, title: nil), begin: dates.0, end: dates.1, deleted: true,
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
                    package: classMap.package(sourcedID: classID, title: title), begin: dates.0, end: dates.1, deleted: deleted,
                    usersInFile: usersInFile)),
            original: .fields(record.fields))
    }

    // MARK: Values

    /// The message for an empty cell in a column the specification requires.
    static func requiredMessage(_ version: OneRosterVersion) -> String {
        "the value is empty; OneRoster \(version.rawValue) requires one"
    }

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
