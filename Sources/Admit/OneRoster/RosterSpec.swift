/// A version of the 1EdTech OneRoster CSV binding that Admit reads.
public enum OneRosterVersion: String, Sendable, Hashable, CaseIterable {
    case version11 = "1.1"
    case version12 = "1.2"
}

/// A role of a user in OneRoster 1.2 (`roles.csv`'s `role`; 1.1's `users.csv` has the same
/// column with a subset of these values).
enum OneRosterRole: String, Sendable, Hashable, CaseIterable {
    case aide, counselor, districtAdministrator, guardian, parent, principal, proctor, relative, siteAdministrator, student,
        systemAdministrator, teacher

    /// The role named `text`, compared ignoring ASCII case; nil for a name that is not one.
    init?(caseless text: String) {
        if let exact = Self(rawValue: text) {
            self = exact
            return
        }
        guard let role = Self.byLowercasedName[text.lowercasedASCII()] else { return nil }
        self = role
    }

    private static let byLowercasedName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercasedASCII(), $0) })

    /// The roles of OneRoster 1.1's `users.csv` (`administrator` is 1.1's alone).
    static let version11Names = ["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"]
    /// The roles of OneRoster 1.1's `enrollments.csv`.
    static let version11EnrolmentNames: Set<String> = ["administrator", "proctor", "student", "teacher"]

    /// The role to keep for `text`, a user's role as a file gives it (trimmed): a role of
    /// OneRoster 1.1 or 1.2 in the specification's spelling, whatever its ASCII case; any other
    /// text (an extension such as `ext:mentor`) as it is.
    static func stored(_ text: String) -> String {
        if let role = OneRosterRole(caseless: text) { return role.rawValue }
        let lowered = text.lowercasedASCII()
        return version11Names.first { $0 == lowered } ?? text
    }

    /// A stored role as OneRoster 1.1's `users.csv` writes it: `student` when none; the 1.2
    /// roles 1.1 lacks as the nearest 1.1 one (the administrators and `principal` as
    /// `administrator`, `counselor` as `aide`); a 1.1 role or an extension (`ext:…`) as it is;
    /// any other text as an extension, `ext:` and the text, which is how 1.1 extends its roles.
    static func version11(_ stored: String?) -> String {
        guard let stored else { return "student" }
        switch OneRosterRole(rawValue: stored) {
        case .districtAdministrator?, .siteAdministrator?, .systemAdministrator?, .principal?: return "administrator"
        case .counselor?: return "aide"
        default:
            if version11Names.contains(stored) || stored.hasPrefix("ext:") { return stored }
            return "ext:" + stored
        }
    }

    /// A user's 1.1 role (`version11(_:)`) as a role in a class, which 1.1's `enrollments.csv`
    /// limits to `administrator`, `proctor`, `student` and `teacher`: one of those as it is,
    /// any other as `student`.
    static func version11Enrolment(_ userRole: String) -> String {
        version11EnrolmentNames.contains(userRole) ? userRole : "student"
    }
}

/// A column of a OneRoster CSV file, as the specification lists it.
struct RosterColumn: Sendable, Hashable {
    let name: String
    /// Required by the specification: the header must have it and a row must give it.
    let required: Bool
}

/// The files of a OneRoster package that Admit reads, with their columns in the specification's order.
enum RosterFile: String, Sendable, Hashable, CaseIterable {
    case manifest, users, enrollments, classes, roles

    /// `users.csv` and so on: the name inside the package.
    var fileName: String { rawValue + ".csv" }

    /// The specification's columns, in order, for `version`.
    func columns(_ version: OneRosterVersion) -> [RosterColumn] {
        func list(_ names: String) -> [RosterColumn] {
            names.split(separator: " ").map { word in
                word.hasSuffix("*")
                    ? RosterColumn(name: String(word.dropLast()), required: true) : RosterColumn(name: String(word), required: false)
            }
        }
        switch (self, version) {
        case (.manifest, _):
            return list("propertyName* value*")
        case (.users, .version11):
            return list(
                "sourcedId* status dateLastModified enabledUser* orgSourcedIds* role* username* userIds givenName* familyName* "
                    + "middleName identifier email sms phone agentSourcedIds grades password")
        case (.users, .version12):
            return list(
                "sourcedId* status dateLastModified enabledUser* username* userIds givenName* familyName* middleName identifier "
                    + "email sms phone agentSourcedIds grades password userMasterIdentifier resourceSourcedIds preferredGivenName "
                    + "preferredMiddleName preferredFamilyName primaryOrgSourcedId pronouns")
        case (.enrollments, _):
            return list(
                "sourcedId* status dateLastModified classSourcedId* schoolSourcedId* userSourcedId* role* primary beginDate endDate")
        case (.classes, _):
            return list(
                "sourcedId* status dateLastModified title* grades courseSourcedId* classCode classType* location schoolSourcedId* "
                    + "termSourcedIds* subjects subjectCodes periods")
        case (.roles, _):
            return list(
                "sourcedId* status dateLastModified userSourcedId* roleType* role* beginDate endDate orgSourcedId* userProfileSourcedId")
        }
    }
}

/// A header row checked against the specification's columns.
///
/// The specification's columns come first, in its order; an optional one may be left out, a
/// required one may not. Columns to the right of them whose names the specification does not
/// have are extension columns (`metadata.…`): they are ignored. Names are compared after
/// trimming, ignoring ASCII case. Every problem is reported at once, compiler-style.
struct RosterHeader {
    /// The position of each specification column the header has, by name.
    let positions: [String: Int]
    /// How many fields a record has.
    let count: Int
    /// The specification's required columns the header has, with their positions, in its order:
    /// a row must give each of them a value.
    let required: [(name: String, position: Int)]

    init(cells: [String], file: RosterFile, version: OneRosterVersion, line: Int) throws(AdmitError) {
        let spec = file.columns(version)
        let lowered = spec.map { $0.name.lowercasedASCII() }
        var positions: [String: Int] = [:]
        var problems: [String] = []
        let name = file.fileName
        func problem(_ position: Int?, _ message: String) {
            problems.append("\(name):\(line):" + (position.map { "\($0 + 1):" } ?? "") + " error: \(message)")
        }
        let present = Set(cells.map { $0.trimmingWhitespace().lowercasedASCII() })
        var next = 0  // the spec column a cell may be, at the earliest
        var firstExtension: Int?
        for (position, cell) in cells.enumerated() {
            let text = cell.trimmingWhitespace()
            guard let index = lowered.firstIndex(of: text.lowercasedASCII()) else {
                if text.isEmpty {
                    problem(position, "column \(position + 1) has no name")
                } else if firstExtension == nil {
                    firstExtension = position
                }
                continue
            }
            let column = spec[index].name
            if positions[column] != nil {
                problem(position, "column '\(column)' appears twice")
                continue
            }
            if let firstExtension {
                problem(
                    position,
                    "column '\(column)' of OneRoster \(version.rawValue) comes after '\(RegistrationRow.shown(cells[firstExtension]))', "
                        + "which is not one of its columns; extension columns go to the right of the specification's")
            } else if index < next {
                problem(
                    position,
                    "column '\(column)' is out of the specification's order: OneRoster \(version.rawValue) puts it before '\(spec[next - 1].name)'"
                )
            } else {
                for skipped in spec[next..<index] where skipped.required && !present.contains(skipped.name.lowercasedASCII()) {
                    problem(
                        position,
                        "the required column '\(skipped.name)' is missing: OneRoster \(version.rawValue) puts it before '\(column)'")
                }
                next = index + 1
            }
            positions[column] = position
        }
        for column in spec[next...] where column.required && positions[column.name] == nil {
            problem(nil, "the required column '\(column.name)' of OneRoster \(version.rawValue) \(name) is missing")
        }
        guard problems.isEmpty else {
            throw .invalidInput(.headerProblems(path: name, problems: problems))
        }
        self.positions = positions
        count = cells.count
        required = spec.compactMap { column in
            guard column.required, let position = positions[column.name] else { return nil }
            return (column.name, position)
        }
    }
}

/// One well-formed record of a OneRoster file, read through its header.
struct RosterRecord {
    let line: Int
    let fields: [String]
    let header: RosterHeader

    /// The trimmed value of the column `name`; nil when the header lacks it or the cell is empty.
    subscript(name: String) -> String? {
        self[at: header.positions[name]]
    }

    /// The trimmed value of the column at `position` (as `RosterHeader.positions` gives it, found
    /// once per file rather than by name on every row); nil when the header lacks it (nil) or the
    /// cell is empty.
    subscript(at position: Int?) -> String? {
        guard let position else { return nil }
        let field = fields[position]
        if field.isEmpty { return nil }
        let text = field.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// The first of the specification's required columns (`skipping` aside) whose cell is empty
    /// or only white space; nil when the row gives each of them a value.
    func missingRequired(skipping: Set<String> = []) -> String? {
        for (name, position) in header.required where Self.isBlank(fields[position]) {
            if !skipping.contains(name) { return name }
        }
        return nil
    }

    /// Whether `text` is empty or only white space (what `trimmingWhitespace()` would make empty),
    /// decided on the first byte when that is ASCII and not white space, without a new string.
    private static func isBlank(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        if first < 0x80, first != 0x20, !(0x09...0x0D).contains(first) { return false }  // ASCII, not tab, LF, VT, FF, CR, space
        return text.trimmingWhitespace().isEmpty
    }
}
