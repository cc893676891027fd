import AdmitDomain
import AdmitRules
import Foundation
import Testing

/// Shared values for the rules tests: the IDoR catalog, the shipped policy, the demo users.
enum Fixtures {
    static let vienna = Zone(identifier: "Europe/Vienna")!

    static let catalog = Catalog(packages: [
        Package(
            id: "idor-2020", title: "IDoR 2020: imaging and COVID-19", platform: "ESR Connect", zone: vienna,
            lectures: (1...39).map {
                Lecture(
                    id: LectureID(String(format: "idor-2020-%02d", $0)), package: "idor-2020", position: $0, title: "Lecture \($0) of 39")
            }),
        Package(
            id: "other-2021", title: "Another package", platform: "ESR Connect", zone: vienna,
            lectures: [Lecture(id: "other-2021-01", package: "other-2021", position: 1, title: "Lecture 1 of 1")]),
    ])

    static let lecture = catalog.lecture("idor-2020-07")!

    /// The repository's `Policies/` folder.
    static let policiesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Policies")

    static func shippedSources(extension ext: String) throws -> [PolicySource] {
        let names = try FileManager.default.contentsOfDirectory(atPath: policiesDirectory.path)
            .filter { $0.hasSuffix(".\(ext)") }.sorted()
        return try names.map {
            PolicySource(
                path: "Policies/\($0)", text: try String(contentsOf: policiesDirectory.appendingPathComponent($0), encoding: .utf8))
        }
    }

    static let shipped: PolicySet = {
        do { return try PolicySet.compile(try shippedSources(extension: "policy"), catalog: catalog) } catch {
            fatalError("the shipped policy must compile: \(error)")
        }
    }()

    static func instant(_ text: String) -> Instant {
        do { return try Instant(parsing: text) } catch { fatalError("bad instant in a test: \(error)") }
    }

    static func user(
        _ id: Int64, _ email: String, _ profession: Profession = .other, account: AccountState = .active,
        subscription: String = "none", country: String? = "AT"
    ) -> User {
        User(
            id: UserID(id), email: try! EmailAddress(email), name: email, profession: profession,
            country: country.flatMap(CountryCode.init), account: account, subscription: Subscription(subscription)!,
            registeredAt: instant("2020-11-02T09:00:00+01:00"))
    }

    static func enrolment(_ user: Int64, _ at: String, package: PackageID = "idor-2020", withdrawn: String? = nil) -> Enrolment {
        Enrolment(user: UserID(user), package: package, enrolledAt: instant(at), source: .self, withdrawnAt: withdrawn.map(instant))
    }

    /// The four demo users of `Seeds/users.json`.
    static let ada = Facts(user: user(1, "ada@example.org", .radiologist), enrolments: [enrolment(1, "2020-11-09T10:00:00+01:00")])
    static let ben = Facts(user: user(2, "ben@example.org", .radiographer), enrolments: [])
    static let cleo = Facts(
        user: user(3, "cleo@example.org", .radiologist, account: .suspended), enrolments: [enrolment(3, "2020-11-10T08:00:00+01:00")])
    static let dan = Facts(
        user: user(4, "dan@example.org", subscription: "premium"), enrolments: [enrolment(4, "2020-11-12T18:30:00+01:00")])

    static func compile(_ text: String, path: String = "test.policy") throws -> PolicySet {
        try PolicySet.compile([PolicySource(path: path, text: text)], catalog: catalog)
    }

    /// The diagnostics `text` produces, as `line:col: message` strings.
    static func errors(_ text: String) -> [String] {
        do throws(PolicyDiagnostics) {
            _ = try PolicySet.compile([PolicySource(path: "test.policy", text: text)], catalog: catalog)
            return []
        } catch {
            return error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
        }
    }
}
