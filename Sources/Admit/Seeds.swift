import AdmitDomain
import Foundation

/// The data a new database starts with: `Seeds/catalog.json` (packages and lectures) and
/// `Seeds/users.json` (demo users and their enrolments).
public struct Seeds: Sendable {
    public let catalog: Catalog
    public let users: [SeedUser]

    /// A user to create, with the enrolments to record for them.
    public struct SeedUser: Sendable {
        public var user: NewUser
        public var enrolments: [(package: PackageID, at: Instant, source: EnrolmentSource)]
    }

    /// Reads and checks the seed files in `directory`.
    public static func read(from directory: String) throws(AdmitError) -> Seeds {
        let catalogPath = (directory as NSString).appendingPathComponent("catalog.json")
        let usersPath = (directory as NSString).appendingPathComponent("users.json")
        let catalogFile: CatalogFile = try decode(catalogPath)
        var packages: [Package] = []
        var seenLectures = Set<String>()
        for package in catalogFile.packages {
            guard let zone = Zone(identifier: package.zone) else {
                throw .seedsInvalid(path: catalogPath, reason: "package '\(package.id)' has an unknown time zone '\(package.zone)'")
            }
            if packages.contains(where: { $0.id.rawValue == package.id }) {
                throw .seedsInvalid(path: catalogPath, reason: "package '\(package.id)' appears twice")
            }
            for lecture in package.lectures where !seenLectures.insert(lecture.id).inserted {
                throw .seedsInvalid(path: catalogPath, reason: "lecture '\(lecture.id)' appears twice")
            }
            let id = PackageID(package.id)
            packages.append(
                Package(
                    id: id, title: package.title, platform: package.platform, zone: zone,
                    lectures: package.lectures.map { Lecture(id: LectureID($0.id), package: id, position: $0.position, title: $0.title) }))
        }
        let catalog = Catalog(packages: packages)

        var users: [SeedUser] = []
        let usersFile: UsersFile = FileManager.default.fileExists(atPath: usersPath) ? try decode(usersPath) : UsersFile(users: [])
        for user in usersFile.users {
            func invalid(_ reason: String) -> AdmitError { .seedsInvalid(path: usersPath, reason: "user '\(user.email)': \(reason)") }
            let email: EmailAddress
            do { email = try EmailAddress(user.email) } catch { throw invalid(error.description) }
            guard let profession = Profession(rawValue: user.profession) else { throw invalid("unknown profession '\(user.profession)'") }
            guard let account = AccountState(rawValue: user.account) else { throw invalid("unknown account state '\(user.account)'") }
            guard let subscription = Subscription(user.subscription) else { throw invalid("invalid subscription '\(user.subscription)'") }
            let country = try user.country.map { code throws(AdmitError) in
                guard let country = CountryCode(code) else { throw invalid("unknown country code '\(code)'") }
                return country
            }
            let registeredAt: Instant
            do { registeredAt = try Instant(parsing: user.registeredAt) } catch { throw invalid(error.description) }
            var enrolments: [(PackageID, Instant, EnrolmentSource)] = []
            for enrolment in user.enrolments {
                guard catalog.package(PackageID(enrolment.package)) != nil else { throw invalid("unknown package '\(enrolment.package)'") }
                guard let source = EnrolmentSource(rawValue: enrolment.source) else {
                    throw invalid("unknown source '\(enrolment.source)'")
                }
                let at: Instant
                do { at = try Instant(parsing: enrolment.at) } catch { throw invalid(error.description) }
                enrolments.append((PackageID(enrolment.package), at, source))
            }
            users.append(
                SeedUser(
                    user: NewUser(
                        email: email, name: user.name, profession: profession, country: country, account: account,
                        subscription: subscription, registeredAt: registeredAt),
                    enrolments: enrolments))
        }
        return Seeds(catalog: catalog, users: users)
    }

    private static func decode<T: Decodable>(_ path: String) throws(AdmitError) -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .fileUnreadable(path: path, reason: "no such file, or it cannot be read")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .seedsInvalid(path: path, reason: "not the expected JSON (\(error))")
        }
    }

    private struct CatalogFile: Decodable {
        struct PackageEntry: Decodable {
            var id, title, platform, zone: String
            var lectures: [LectureEntry]
        }
        struct LectureEntry: Decodable {
            var id: String
            var position: Int
            var title: String
        }
        var packages: [PackageEntry]
    }

    private struct UsersFile: Decodable {
        struct UserEntry: Decodable {
            var email, name, profession, account, subscription, registeredAt: String
            var country: String?
            var enrolments: [EnrolmentEntry]
        }
        struct EnrolmentEntry: Decodable {
            var package, at, source: String
        }
        var users: [UserEntry]
    }
}
