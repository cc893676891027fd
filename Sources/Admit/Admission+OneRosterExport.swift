import AdmitCSV
import AdmitDomain
import AdmitStore
import Foundation

/// What `exportOneRoster` wrote.
public struct OneRosterExport: Sendable, Hashable {
    /// The folder the package was written to.
    public var directory: String
    public var package: PackageID
    /// Rows of `users.csv` and `enrollments.csv`.
    public var users: Int
    public var enrolments: Int
    /// The files written, by name.
    public var files: [String]
}

extension Admission {
    /// The organisation every exported user and class belongs to.
    static let exportOrg = "admit"

    /// Writes the package's (default: the only package's) enrolments as a OneRoster 1.1 bulk CSV package into the folder
    /// `directory` (created if needed; its files of the same names are replaced, each atomically).
    ///
    /// `enrollments.csv` has every enrolment in the package, withdrawn ones included (`endDate` is
    /// the last day it counted, in the package's zone, inclusive), `users.csv` every user they
    /// reference (sourcedId: the external id, else `admit-user-ID`). The class is the package; the
    /// course, term and organisation a consumer needs to resolve it are written beside it.
    public func exportOneRoster(package packageID: String?, to directory: String) throws(AdmitError) -> OneRosterExport {
        let store = try reportStore(for: "audit enrolments --format oneroster")
        let package = try reportPackage(packageID)
        let zone = package.zone
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileUnreadable(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var users = CSVWriter()
        var enrolments = CSVWriter()
        users.write(RosterFile.users.columns(.version11).map(\.name))
        enrolments.write(RosterFile.enrollments.columns(.version11).map(\.name))
        var userCount = 0
        var enrolmentCount = 0
        var first: LocalDate?
        var last: LocalDate?
        let classID = package.id.rawValue
        let org = Self.exportOrg
        var previous: UserID?
        try perform { () throws(StoreError) in
            try store.forEachEnrolment(in: package.id) { user, enrolment in
                let sourcedID = user.externalID ?? "admit-user-\(user.id.rawValue)"
                let role = OneRosterRole.version11(user.externalRole)
                if previous != user.id {
                    previous = user.id
                    userCount += 1
                    let (given, family) = Self.split(name: user.name)
                    // sourcedId status dateLastModified enabledUser orgSourcedIds role username userIds givenName
                    // familyName middleName identifier email sms phone agentSourcedIds grades password
                    users.write([
                        sourcedID, "", "", user.account == .active ? "true" : "false", org, role, user.email.normalized,
                        "{admit:\(user.id.rawValue)}", given, family, "", "", user.email.normalized, "", "", "", "", "",
                    ])
                }
                enrolmentCount += 1
                let begin = zone.localDateTime(at: enrolment.enrolledAt).date
                let end = enrolment.withdrawnAt.map { zone.localDateTime(at: $0.adding(milliseconds: -1)).date }
                first = min(first ?? begin, begin)
                last = max(last ?? begin, end ?? begin)
                // sourcedId status dateLastModified classSourcedId schoolSourcedId userSourcedId role primary beginDate endDate
                enrolments.write([
                    "\(classID)-\(user.id.rawValue)-\(enrolment.enrolledAt.millisecondsSinceEpoch)", "", "", classID, org, sourcedID,
                    OneRosterRole.version11Enrolment(role), "", begin.description, end.map { $0.description } ?? "",
                ])
            }
        }
        let start = first ?? zone.localDateTime(at: clock.now()).date
        let end = last ?? start
        let term = "\(classID)-term"
        let course = "\(classID)-course"
        func csv(_ rows: [[String]]) -> [UInt8] {
            var writer = CSVWriter()
            for row in rows { writer.write(row) }
            return writer.takeBytes()
        }
        let manifest: [[String]] =
            [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
            + [
                ("academicSessions", "bulk"), ("categories", "absent"), ("classes", "bulk"), ("classResources", "absent"),
                ("courses", "bulk"), ("courseResources", "absent"), ("demographics", "absent"), ("enrollments", "bulk"),
                ("lineItems", "absent"), ("orgs", "bulk"), ("resources", "absent"), ("results", "absent"), ("users", "bulk"),
            ].map { ["file.\($0.0)", $0.1] } + [["source.systemName", "Admit"], ["source.systemCode", "admit"]]
        let files: [(String, [UInt8])] = [
            (
                "orgs.csv",
                csv([
                    ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
                    [org, "", "", package.platform, "school", "", ""],
                ])
            ),
            (
                "academicSessions.csv",
                csv([
                    ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
                    [term, "", "", package.title, "term", start.description, end.description, "", String(end.year)],
                ])
            ),
            (
                "courses.csv",
                csv([
                    [
                        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId",
                        "subjects", "subjectCodes",
                    ],
                    [course, "", "", term, package.title, classID, "", org, "", ""],
                ])
            ),
            (
                "classes.csv",
                csv([
                    RosterFile.classes.columns(.version11).map(\.name),
                    [classID, "", "", package.title, "", course, classID, "scheduled", "", org, term, "", "", ""],
                ])
            ),
            ("users.csv", users.takeBytes()),
            ("enrollments.csv", enrolments.takeBytes()),
            // Last, so that a reader polling for the manifest finds the files it names.
            ("manifest.csv", csv(manifest)),
        ]
        for (name, bytes) in files { try AtomicFile.write(bytes, to: directory + "/" + name) }
        return OneRosterExport(
            directory: directory, package: package.id, users: userCount, enrolments: enrolmentCount, files: files.map(\.0))
    }

    /// A name as OneRoster's given and family names: split at the last space. Both are required,
    /// so a one-word name is written as both (the import reads equal names back as one word).
    static func split(name: String) -> (given: String, family: String) {
        guard let space = name.lastIndex(of: " ") else { return (name, name) }
        return (String(name[..<space]), String(name[name.index(after: space)...]))
    }
}
