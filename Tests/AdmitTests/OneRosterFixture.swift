import Admit
import AdmitDomain
import Foundation
import SQLite
import Testing
import ZIPFoundation

/// OneRoster packages written from the specification (1EdTech OneRoster CSV binding 1.1 and 1.2),
/// with the defects real exports have: a byte order mark, CRLF, quoted fields holding commas and
/// line breaks, multi-valued fields, empty optional columns, an extension column, rows naming
/// users that are in no file.
enum RosterFixtures {
    static func manifest(_ version: String, _ modes: [String: String]) -> String {
        var text = "propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,\(version)\r\n"
        for file in [
            "academicSessions", "categories", "classes", "classResources", "courses", "courseResources", "demographics", "enrollments",
            "lineItems", "orgs", "resources", "results", "users",
        ] + (version == "1.2" ? ["roles", "userProfiles"] : []) {
            text += "file.\(file),\(modes[file] ?? "absent")\r\n"
        }
        return text + "source.systemName,Test SIS\r\nsource.systemCode,test\r\n"
    }

    static let bom = "\u{FEFF}"

    /// 1.1 users: a BOM, CRLF, a quoted family name with a comma, one with a line break (so that
    /// the lines after it are one further on), `{LDAP:12},{LTI:15}` user ids, an address only in
    /// `username`, a disabled user, a user without any address, and an extension column.
    static let users11 =
        bom
        + "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,"
        + "identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.esr.member\r\n"
        + "u1,,,true,org1,student,bea,\"{LDAP:12},{LTI:15}\",Bea,\"Müller, MD\",,,Bea@Example.org,,,,,,yes\r\n"
        + "u2,active,2020-11-01T09:00:00.000Z,true,\"org1,org2\",teacher,carl@example.org,,Carl,\"Quoted\r\nNewline\",,,,,,,,,\r\n"
        + "u3,,,false,org1,student,dora,,Dora,Suspended,,,dora@example.org,,,,,,\r\n"
        + "u4,,,true,org1,student,nomail,,No,Mail,,,,,,,,,\r\n"

    static let classes =
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,"
        + "subjects,subjectCodes,periods\n"
        + "c1,,,IDoR 2020 webinar,,course1,,scheduled,,org1,term1,,,\n"
        + "c2,,,Chemistry,,course2,,scheduled,,org1,term1,,,\n"
        + "c3,,,\"Imaging, COVID-19\",,course3,,scheduled,,org1,term1,\"Radiology,Imaging\",,\n"

    static let enrollmentsHeader =
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"

    /// Lines 2 to 9: an enrolment; one with both dates, by class title; one in an unmapped class;
    /// one naming a user in no file; one the policy refuses (a disabled user); one with a date
    /// that is not ISO 8601; one in a class in no file; one naming a user whose row was rejected.
    static let enrollments =
        enrollmentsHeader
        + "e1,,,c1,org1,u1,student,false,2020-11-10,\n"
        + "e2,,,c3,org1,u2,teacher,true,2020-11-08,2020-11-20\n"
        + "e3,,,c2,org1,u1,student,,,\n"
        + "e4,,,c1,org1,u9,student,,2020-11-10,\n"
        + "e5,,,c1,org1,u3,student,,2020-11-10,\n"
        + "e6,,,c1,org1,u1,student,,10/11/2020,\n"
        + "e7,,,c9,org1,u1,student,,,\n"
        + "e8,,,c1,org1,u4,student,,2020-11-10,\n"

    static let classMap = "class,package\nc1,idor-2020\n\"Imaging, COVID-19\",idor-2020\n"

    static let bulk11: [String: String] = [
        "manifest.csv": manifest("1.1", ["users": "bulk", "enrollments": "bulk", "classes": "bulk"]),
        "users.csv": users11, "classes.csv": classes, "enrollments.csv": enrollments,
    ]

    /// 1.2 users (no orgSourcedIds or role: those are in roles.csv), with empty optional columns; a
    /// one-word name written as both givenName and familyName.
    static let users12 =
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
        + "agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
        + "preferredFamilyName,primaryOrgSourcedId,pronouns\r\n"
        + "p1,,,true,eve,\"{LDAP:12},{LTI:15}\",Eve,Adams,,,eve@example.org,,,,,,,,,,,org1,\r\n"
        + "p2,,,true,finn@example.org,,Finn,Finn,,,,,,,,,,,,,,,\r\n"

    static let roles12 =
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\r\n"
        + "r1,,,p1,primary,student,,,org1,\r\nr2,,,p2,primary,teacher,,,org1,\r\n"

    static let bulk12: [String: String] = [
        "manifest.csv": manifest("1.2", ["users": "bulk", "enrollments": "bulk", "classes": "bulk", "roles": "bulk"]),
        "users.csv": users12, "classes.csv": classes, "roles.csv": roles12,
        "enrollments.csv": enrollmentsHeader + "e1,,,c1,org1,p1,student,,2020-11-09,\ne2,,,c3,org1,p2,teacher,,2020-11-12,2020-11-30\n",
    ]

    /// Writes `files` into the folder `path` (created).
    static func folder(_ files: [String: String], at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name)) }
    }

    /// Writes `files` into a new ZIP archive at `path`, each under `prefix`, deflated.
    static func zip(_ files: [String: String], at path: String, prefix: String = "") throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: prefix + name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }
}

extension RegistrationFixture {
    /// Imports the OneRoster package at `path` with the class map `map` (a file's text).
    func registerRoster(
        _ path: String, map: String = RosterFixtures.classMap, options: RegistrationOptions = .init(), rejects: String? = nil
    ) throws -> RegistrationSummary {
        try directory.write("class-map.csv", map)
        let admission = try admission()
        defer { admission.close() }
        return try admission.register(
            oneRoster: path, classMap: admission.classMap(file: directory.file("class-map.csv")), options: options, rejectsFile: rejects)
    }

    /// Every enrolment, withdrawn ones too, as `email|package|enrolled|withdrawn|source|forced`
    /// (instants in UTC), by email and time of enrolment.
    func allEnrolments() throws -> [String] {
        let rows = try texts(
            """
            SELECT u.email || '|' || e.package_id || '|' || CAST(e.enrolled_at AS text) || '|' || coalesce(CAST(e.withdrawn_at AS text), '-')
                || '|' || e.source || '|' || CASE WHEN e.forced THEN '1' ELSE '0' END
            FROM enrolments e JOIN users u ON u.id = e.user_id
            """
        ).map { row in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(cells.count == 6, "a '|' in a value of \(row)")
            return cells
        }
        func utc(_ text: String) -> String {
            Int64(text).map { Instant(millisecondsSinceEpoch: $0).formatted(offsetSeconds: 0) } ?? text
        }
        return rows.sorted { ($0[0], Int64($0[2])!) < ($1[0], Int64($1[2])!) }.map { row in
            [row[0], row[1], utc(row[2]), utc(row[3]), row[4], row[5]].joined(separator: "|")
        }
    }
}

extension RegistrationSummary {
    /// The kept rejects compiler-style, as the terminal shows them.
    var diagnostics: [String] { firstRejects.map { $0.diagnostic(path: source) } }
}
