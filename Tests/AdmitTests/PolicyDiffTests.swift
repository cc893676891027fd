import Admit
import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitTestSupport
import Foundation
import Testing

@Suite struct PolicyDiffTests {
    /// The shipped policy's text.
    static func shipped(_ workspace: Workspace) throws -> String {
        try String(contentsOfFile: workspace.policies + "/idor-2020.policy", encoding: .utf8)
    }

    /// The seeded users and a few more: enrolled in one import (equal facts), premium, closed,
    /// without a country, and one whose enrolment was withdrawn inside the free window.
    static func population(_ workspace: Workspace) throws -> Admission {
        let admission = try workspace.open()
        func user(_ email: String, _ profession: String, _ country: String?, _ account: String, _ subscription: String) -> JSONValue {
            var object: JSONObject = [
                "email": .string(email), "name": .string(email), "profession": .string(profession), "account": .string(account),
                "subscription": .string(subscription),
            ]
            if let country { object["country"] = .string(country) }
            return .object(object)
        }
        _ = try admission.register(
            json: [
                user("eva@example.org", "radiographer", "DE", "active", "none"),
                user("finn@example.org", "radiographer", "DE", "active", "none"),
                user("gil@example.org", "other", nil, "active", "none"),
                user("hana@example.org", "radiologist", "IT", "active", "premium"),
                user("ivo@example.org", "radiologist", "IT", "closed", "none"),
                user("jo@example.org", "other", "AT", "active", "none"),
            ], options: RegistrationOptions(package: "idor-2020", at: instant("2020-11-15T09:00:00+01:00")))
        _ = try admission.register(json: [
            user("kim@example.org", "radiologist", "FR", "active", "premium"), user("lou@example.org", "other", "FR", "active", "none"),
        ])
        _ = try admission.unenrol(user: "jo@example.org", package: "idor-2020", at: instant("2020-11-18T00:00:00+01:00"))
        return admission
    }

    static func emails(_ change: PolicyDiff.Change) -> Set<String> { Set(change.users.map(\.email.normalized)) }

    @Test(arguments: StoreKind.allCases)
    func movingTheEndOfTheFreeWindowGivesEveryActiveEnrolledUserTheTenDays(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try Self.population(workspace)
        let text = try Self.shipped(workspace)
        #expect(text.contains("until 2020-11-20"))
        let folder = try workspace.policyFolder("new", text.replacingOccurrences(of: "until 2020-11-20", with: "until 2020-11-30"))
        let diff = try admission.policyDiff(to: admission.readPolicy(at: [folder]), listUsers: true)

        #expect(diff.changesAccess)
        #expect(!diff.identical)
        #expect(diff.userCount == 12)
        #expect(diff.factGroups < diff.userCount, "eva and finn have equal facts")
        #expect(diff.lectureCount == 39)
        #expect(diff.lectureClasses == 1)
        #expect(diff.changes.count == 1)
        let change = try #require(diff.changes.first)
        #expect(change.kind == .gain)
        #expect(change.package == "idor-2020")
        #expect(change.lectures == admission.catalog.package("idor-2020")?.lectures.map(\.id))
        #expect(change.spans == [Span(start: instant("2020-11-21T00:00:00+01:00"), end: instant("2020-12-01T00:00:00+01:00"))])
        #expect(change.spans[0].start.formatted(in: .utc) == "2020-11-20T23:00:00Z")
        // Every active, enrolled (enrolment still counting) user without premium; nobody else.
        #expect(Self.emails(change) == ["ada@example.org", "eva@example.org", "finn@example.org", "gil@example.org"])
        #expect(change.userCount == 4)
        #expect(change.byAccount == [.active: 4])
        #expect(change.byProfession == [.radiologist: 1, .radiographer: 2, .other: 1])
        #expect(change.byCountry == ["AT": 1, "DE": 2, "none": 1])
        #expect(diff.totals == PolicyDiff.Tally(gaining: 4, losing: 0))
        #expect(diff.totalsByAccount[.active] == PolicyDiff.Tally(gaining: 4, losing: 0))
        #expect(diff.totalsByAccount[.closed] == PolicyDiff.Tally(gaining: 0, losing: 0))
        #expect(diff.shape.windows.map(\.name) == ["free"])
        #expect(diff.shape.packagesOnlyInOld.isEmpty && diff.shape.packagesOnlyInNew.isEmpty)

        // Premium users gain nothing they did not already have: the same spans under both, by `when`.
        let new = try admission.readPolicy(at: [folder])
        for premium in ["dan@example.org", "hana@example.org", "kim@example.org"] {
            let before = try admission.when(user: premium, lecture: "idor-2020-07").availability.allowed
            let comparison = PolicyComparison(old: admission.policy.set, new: new.set, lectures: [try admission.lecture("idor-2020-07")])
            let facts = try #require(try admission.storage.userState(admission.user(premium).id)?.facts)
            let change = comparison.change(opening: try admission.lecture("idor-2020-07"), facts: facts)
            #expect(change.before == before)
            #expect(change.gained.isEmpty && change.lost.isEmpty, "\(premium)")
        }
    }

    @Test(arguments: StoreKind.allCases) func theJSONNamesTheSpansInTheZoneAndInUTC(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try Self.population(workspace)
        let folder = try workspace.policyFolder(
            "new", try Self.shipped(workspace).replacingOccurrences(of: "until 2020-11-20", with: "until 2020-11-30"))
        let json = try admission.policyDiff(to: admission.readPolicy(at: [folder])).json
        #expect(json["changed"]?.boolValue == true)
        let change = try #require(json["changes"]?.arrayValue?.first)
        #expect(change["kind"]?.stringValue == "gain")
        #expect(change["lectures"]?.arrayValue?.count == 39)
        let span = try #require(change["spans"]?.arrayValue?.first)
        #expect(span["from"]?.stringValue == "2020-11-21T00:00:00+01:00")
        #expect(span["until"]?.stringValue == "2020-12-01T00:00:00+01:00")
        #expect(span["fromUTC"]?.stringValue == "2020-11-20T23:00:00Z")
        #expect(span["untilUTC"]?.stringValue == "2020-11-30T23:00:00Z")
        #expect(change["userCount"]?.int64Value == 4)
        #expect(change["examples"]?.arrayValue?.count == 4)
        #expect(json["totals"]?["byProfession"]?["radiographer"]?["gaining"]?.int64Value == 2)
        #expect(json["totals"]?["byCountry"]?["DE"]?["gaining"]?.int64Value == 2)
        #expect(json["totals"]?["byAccount"]?["active"]?["gaining"]?.int64Value == 4)
        #expect(json["windows"]?.arrayValue?.first?["status"]?.stringValue == "changed")
    }

    @Test(arguments: StoreKind.allCases) func shorteningTheWindowIsALossAndTheRangeAndPackageLimitIt(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try Self.population(workspace)
        let folder = try workspace.policyFolder(
            "new", try Self.shipped(workspace).replacingOccurrences(of: "until 2020-11-20", with: "until 2020-11-16"))
        let new = try admission.readPolicy(at: [folder])
        let diff = try admission.policyDiff(to: new, listUsers: true)
        // Two losses: the days the shortened window no longer has, and jo's one day of them.
        #expect(diff.changes.count == 2)
        #expect(diff.changes.allSatisfy { $0.kind == .loss })
        let fourDays = [Span(start: instant("2020-11-17T00:00:00+01:00"), end: instant("2020-11-21T00:00:00+01:00"))]
        let change = try #require(diff.changes.first { $0.spans == fourDays })
        // jo's enrolment counted until 2020-11-18: jo loses one day only; dan (premium) loses the days too.
        #expect(
            Self.emails(change) == [
                "ada@example.org", "dan@example.org", "eva@example.org", "finn@example.org", "gil@example.org", "hana@example.org",
            ])
        let jo = try #require(diff.changes.first { $0.users.contains { $0.email.normalized == "jo@example.org" } })
        #expect(jo.spans == [Span(start: instant("2020-11-17T00:00:00+01:00"), end: instant("2020-11-18T00:00:00+01:00"))])
        #expect(diff.totals == PolicyDiff.Tally(gaining: 0, losing: 7))

        let limited = try admission.policyDiff(
            to: new, package: "idor-2020",
            range: Span(start: instant("2020-11-19T00:00:00+01:00"), end: instant("2020-11-20T12:00:00+01:00")))
        #expect(
            limited.changes.map(\.spans) == [[Span(start: instant("2020-11-19T00:00:00+01:00"), end: instant("2020-11-20T12:00:00+01:00"))]]
        )
        #expect(limited.changes.first?.userCount == 6)
        let before = try admission.policyDiff(
            to: new, range: Span(start: instant("2020-11-01T00:00:00+01:00"), end: instant("2020-11-17T00:00:00+01:00")))
        #expect(!before.changesAccess)
        #expect(throws: AdmitError.self) { try admission.policyDiff(to: new, package: "no-such-package") }
    }

    @Test(arguments: StoreKind.allCases) func theSamePolicyIsNoChange(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try Self.population(workspace)
        let diff = try admission.policyDiff(to: admission.readPolicy(at: [workspace.policies]))
        #expect(diff.identical)
        #expect(!diff.changesAccess)
        #expect(diff.changes.isEmpty)
        #expect(diff.shape.isEmpty)
        #expect(diff.totals == PolicyDiff.Tally())
        // Other files, same meaning: not identical, and still no change in access.
        let folder = try workspace.policyFolder("new", try Self.shipped(workspace) + "\n# a comment\n")
        let reworded = try admission.policyDiff(to: admission.readPolicy(at: [folder]))
        #expect(!reworded.identical)
        #expect(!reworded.changesAccess)
    }

    @Test(arguments: StoreKind.allCases) func aNewPolicyWithErrorsIsNotComparedAndEveryErrorHasItsPlace(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        let folder = try workspace.policyFolder(
            "new",
            """
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            permit a:
              open lecture in package "idor-2020"
              when now in fre
            permit b:
              open lecture in package "idor-2020"
              when user.acount == "active"
            """)
        do {
            _ = try admission.readPolicy(at: [folder])
            Issue.record("the policy has errors")
        } catch {
            guard case .policyInvalid(let listing, let errors) = error else { return #expect(Bool(false), "\(error)") }
            #expect(errors.count == 2)
            #expect(listing.contains("p.policy:4:"))
            #expect(listing.contains("p.policy:7:"))
        }
    }

    @Test(arguments: StoreKind.allCases) func windowsAndPackagesInOnlyOnePolicyAreReported(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try Self.population(workspace)
        let folder = try workspace.policyFolder(
            "new",
            """
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            window encore from 2021-01-10 until 2021-01-11 in Europe/Vienna
            permit free-access:
              open lecture "idor-2020-03"
              when user.account == "active" and user enrolled in "idor-2020" and now in free
            permit encore-access:
              open lecture "idor-2020-03"
              when user.account == "active" and now in encore
            """)
        let diff = try admission.policyDiff(to: admission.readPolicy(at: [folder]))
        let windows = Dictionary(uniqueKeysWithValues: diff.shape.windows.map { ($0.name, $0) })
        #expect(Set(windows.keys) == ["after-free", "encore"])
        #expect(windows["after-free"]?.new == nil && windows["after-free"]?.old != nil)
        #expect(windows["encore"]?.old == nil && windows["encore"]?.new != nil)
        #expect(diff.shape.packagesOnlyInOld.isEmpty)
        // Lecture 3 has rules of its own: two classes.
        #expect(diff.lectureClasses == 2)
        let gains = diff.changes.filter { $0.kind == .gain }
        #expect(gains.map(\.lectures) == [["idor-2020-03"]])
        #expect(gains.first?.spans == [Span(start: instant("2021-01-10T00:00:00+01:00"), end: instant("2021-01-12T00:00:00+01:00"))])
        // Every other lecture is lost in the free window by the enrolled, and after it by premium users.
        let losses = diff.changes.filter { $0.kind == .loss }
        #expect(losses.contains { $0.lectures.count == 38 && !$0.lectures.contains("idor-2020-03") })
        #expect(losses.allSatisfy { $0.lectures == ["idor-2020-03"] || ($0.lectures.count == 38 && !$0.lectures.contains("idor-2020-03")) })
        // Lecture 3 is lost only after the free window, by premium users, outside the new window.
        let third = try #require(losses.first { $0.lectures == ["idor-2020-03"] })
        #expect(third.spans.first?.start == instant("2020-11-21T00:00:00+01:00"))
        #expect(third.spans.count == 2)
        #expect(third.byAccount == [.active: 3])

        let other = try workspace.policyFolder(
            "other",
            """
            window free from 2020-11-08 until 2020-11-20 in Europe/Vienna
            permit any-access:
              open any lecture
              when now in free
            """)
        let shape = try admission.policyDiff(to: admission.readPolicy(at: [other])).shape
        #expect(shape.packagesOnlyInOld == ["idor-2020"])
    }
}
