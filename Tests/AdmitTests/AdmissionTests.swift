import Admit
import AdmitDomain
import AdmitJSON
import AdmitRules
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

@Suite struct AdmissionTests {
    @Test func firstUseCreatesAndSeedsTheDatabase() throws {
        let workspace = try Workspace()
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath))
        let admission = try workspace.open()
        #expect(FileManager.default.fileExists(atPath: workspace.databasePath))
        #expect(admission.catalog.packages.map(\.id) == ["idor-2020"])
        #expect(admission.catalog.package("idor-2020")?.lectures.count == 39)
        #expect(admission.catalog.lectureIDs.first == "idor-2020-01")
        #expect(admission.catalog.lectureIDs.last == "idor-2020-39")
        #expect(admission.catalog.lecture("idor-2020-07")?.title == "Lecture 7 of 39")
        #expect(try admission.store.userCount() == 4)
        #expect(try admission.store.verifyAudit().isIntact)
        // Reopening does not seed twice.
        let again = try workspace.open()
        #expect(try again.store.userCount() == 4)
    }

    @Test func aMissingSeedFolderLeavesNoDatabaseBehind() throws {
        let workspace = try Workspace()
        var configuration = workspace.configuration()
        configuration.seedsDirectory = workspace.directory + "/no-such-seeds"
        #expect(throws: AdmitError.self) { try Admission(configuration: configuration) }
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath))
    }

    @Test(
        arguments: StoreKind.allCases,
        [
            ("ada@example.org", "2020-11-15T10:00:00+01:00", Effect.allow),
            ("ADA@Example.org ", "2020-11-20T23:59:59.999+01:00", .allow),
            ("1", "2020-11-21T00:00:00+01:00", .deny),
            ("ben@example.org", "2020-11-15T10:00:00+01:00", .deny),
            ("cleo@example.org", "2020-11-15T10:00:00+01:00", .deny),
            ("dan@example.org", "2021-06-01T00:00:00Z", .allow),
            ("dan@example.org", "2020-11-12T18:29:59.999+01:00", .deny),
        ])
    func checksTheDemoUsers(_ store: StoreKind, _ example: (user: String, at: String, effect: Effect)) throws {
        let (user, at, effect) = example
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        let outcome = try admission.check(user: user, lecture: "idor-2020-07", at: instant(at))
        #expect(outcome.decision.effect == effect)
        #expect(outcome.policy == admission.policy.version)
        guard case .decision(let entry, let writer) = try admission.storage.decisionRow(writer: outcome.auditWriter, seq: outcome.auditSeq)
        else {
            Issue.record("decision \(outcome.auditSeq) is not in the log")
            return
        }
        #expect(writer == outcome.auditWriter)
        #expect(entry.kind == .decision)
        #expect(entry.effect == effect)
        #expect(entry.at == instant(at))
        #expect(entry.user == outcome.user.id)
        #expect(entry.policyHash == admission.policy.version.hash)
        #expect(entry.factsVersion == outcome.factsVersion)
        #expect(try admission.storage.userState(outcome.user.id, version: outcome.factsVersion)?.user.email == outcome.user.email)
        let code = try #require(entry.code.flatMap(DecisionCode.init(bytes:)))
        #expect(code.reasons.map(\.code) == outcome.decision.reasons.map(\.code))
        // What the log shows of the decision is what check said.
        let logged = try #require(try admission.decisions(limit: 1).first)
        #expect(logged.seq == outcome.auditSeq)
        #expect(logged.decision == outcome.decision)
    }

    @Test(arguments: StoreKind.allCases) func checkJSONHasTheDocumentedFields(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let outcome = try workspace.open().check(user: "ben@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        let json = outcome.json
        #expect(json["decision"] == "deny")
        #expect(json["reasons"]?[0]?["code"] == "no-permit")
        #expect(json["nearestMiss"]?["rule"] == "free-access")
        #expect(json["nearestMiss"]?["clauses"]?[0]?["code"] == "not-enrolled")
        #expect(json["policy"]?.stringValue?.hasPrefix("sha256:") == true)
        #expect(json["at"] == "2020-11-15T10:00:00+01:00")
        #expect(json["auditSeq"]?.int64Value == outcome.auditSeq)
    }

    @Test func unknownNamesAreErrors() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        #expect(throws: AdmitError.unknownUser("nobody@example.org")) {
            try admission.check(user: "nobody@example.org", lecture: "idor-2020-07")
        }
        #expect(throws: AdmitError.unknownUser("999")) { try admission.check(user: "999", lecture: "idor-2020-07") }
        #expect(throws: AdmitError.unknownLecture("idor-2020-40", suggestion: "idor-2020-04")) {
            try admission.check(user: "ada@example.org", lecture: "idor-2020-40")
        }
        #expect(throws: AdmitError.unknownPackage("idor-2021", suggestion: "idor-2020")) {
            try admission.enrol(user: "ada@example.org", package: "idor-2021")
        }
        #expect(try admission.store.auditCount() == 8, "failed requests log nothing")
    }

    @Test(arguments: StoreKind.allCases) func whenForEachDemoUser(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        let ada = try admission.when(user: "ada@example.org", lecture: "idor-2020-07")
        #expect(ada.availability.allowed == [Span(start: instant("2020-11-09T10:00:00+01:00"), end: instant("2020-11-21T00:00:00+01:00"))])
        #expect(try admission.when(user: "ben@example.org", lecture: "idor-2020-07").availability.allowed.isEmpty)
        #expect(try admission.when(user: "cleo@example.org", lecture: "idor-2020-07").availability.allowed.isEmpty)
        let dan = try admission.when(user: "dan@example.org", lecture: "idor-2020-07")
        #expect(dan.availability.allowed == [Span(start: instant("2020-11-12T18:30:00+01:00"), end: .max)])
        #expect(dan.json["allowed"]?[0]?["until"] == .null)
        #expect(ada.ifEnrolled == nil, "ada is enrolled: nothing more to open")
        #expect(dan.ifEnrolled == nil, "dan is enrolled since before the free window ends")
        #expect(ada.json["ifEnrolled"] == .null)
        #expect(
            try admission.when(user: "cleo@example.org", lecture: "idor-2020-07").ifEnrolled == nil,
            "cleo is suspended: no enrolment opens anything")
        let free = Span(start: instant("2020-11-08T00:00:00+01:00"), end: instant("2020-11-21T00:00:00+01:00"))
        let ben = try #require(try admission.when(user: "ben@example.org", lecture: "idor-2020-07").ifEnrolled)
        #expect(ben.package == "idor-2020")
        #expect(ben.opens == [free])
        #expect(ben.enrolBefore == free.end)
        #expect(ben.enrolment == [free], "ben may enrol himself in the free window")
        // Withdrawn: what enrolling again would open, from the withdrawal on.
        _ = try admission.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-10T00:00:00+01:00"))
        _ = try admission.unenrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-12T00:00:00+01:00"))
        let again = try #require(try admission.when(user: "ben@example.org", lecture: "idor-2020-07").ifEnrolled)
        #expect(again.opens == [Span(start: instant("2020-11-12T00:00:00+01:00"), end: free.end)])
        let json = try admission.when(user: "ben@example.org", lecture: "idor-2020-07").json["ifEnrolled"]
        #expect(json?["enrolBefore"] == "2020-11-21T00:00:00+01:00")
        #expect(json?["opens"]?[0]?["from"] == "2020-11-12T00:00:00+01:00")
        // Within a range, the hint is of the range: an enrolment counting from its start.
        let late = try admission.when(
            user: "ben@example.org", lecture: "idor-2020-07",
            range: Span(start: instant("2020-11-15T00:00:00+01:00"), end: instant("2020-12-01T00:00:00+01:00")))
        #expect(late.ifEnrolled?.opens == [Span(start: instant("2020-11-15T00:00:00+01:00"), end: free.end)])
        #expect(
            try admission.when(
                user: "ben@example.org", lecture: "idor-2020-07",
                range: Span(start: instant("2020-11-22T00:00:00+01:00"), end: instant("2020-12-01T00:00:00+01:00"))
            ).ifEnrolled == nil, "after the free window an enrolment opens nothing")
        #expect(throws: AdmitError.self) {
            try admission.when(
                user: "ada@example.org", lecture: "idor-2020-07",
                range: Span(start: instant("2020-11-20T00:00:00Z"), end: instant("2020-11-10T00:00:00Z")))
        }
    }

    @Test func enrolmentFollowsThePolicyUnlessForced() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let late = try admission.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-21T00:00:00+01:00"))
        #expect(late.result == .refused)
        #expect(late.decision.allCodes.contains(.windowClosed))
        #expect(try admission.store.userState(late.user.id)?.currentEnrolment(in: "idor-2020") == nil)

        let forced = try admission.enrol(
            user: "ben@example.org", package: "idor-2020", at: instant("2020-11-21T00:00:00+01:00"), force: true)
        #expect(forced.result == .enrolled)
        #expect(forced.forced)
        let row = try #require(try admission.store.userState(forced.user.id)?.currentEnrolment(in: "idor-2020"))
        #expect(row.forced)
        #expect(try admission.store.enrolments(of: forced.user.id).map(\.forced) == [true])
        let logged = try #require(try admission.store.auditEntry(try admission.store.auditCount()))
        #expect(logged.kind == .enrolmentAdded)
        #expect(logged.state?.currentEnrolment(in: "idor-2020")?.forced == true)
        #expect(logged.policyHash == admission.policy.version.hash)
        // The refusal it overrode is kept as a code: the window had closed.
        let overrode = try #require(logged.overrode.flatMap(DecisionCode.init(bytes:)))
        #expect(overrode.nearestMiss?.clauses.map(\.code) == [.windowClosed])

        let twice = try admission.enrol(
            user: "ben@example.org", package: "idor-2020", at: instant("2020-11-22T00:00:00+01:00"), force: true)
        #expect(twice.result == .alreadyEnrolled)
        #expect(twice.since == forced.at, "the existing enrolment's start, not the requested instant")
        #expect(forced.since == forced.at)
        #expect(late.since == nil)
        #expect(try admission.store.enrolments(of: forced.user.id).count == 1)
    }

    @Test(arguments: StoreKind.allCases) func enrolInsideTheWindowThenOpen(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        let at = instant("2020-11-15T10:00:00+01:00")
        #expect(try admission.enrol(user: "ben@example.org", package: "idor-2020", at: at, source: .self).result == .enrolled)
        #expect(try admission.check(user: "ben@example.org", lecture: "idor-2020-01", at: at).decision.isAllowed)
        #expect(try !admission.check(user: "ben@example.org", lecture: "idor-2020-01", at: at.adding(milliseconds: -1)).decision.isAllowed)
    }

    @Test func unenrolKeepsTheHistory() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let out = instant("2020-11-16T00:00:00+01:00")
        let withdrawn = try admission.unenrol(user: "ada@example.org", package: "idor-2020", at: out)
        #expect(withdrawn.withdrawn?.withdrawnAt == out)
        #expect(try admission.unenrol(user: "ada@example.org", package: "idor-2020", at: out).withdrawn == nil)
        #expect(
            try admission.check(user: "ada@example.org", lecture: "idor-2020-07", at: out).decision.allCodes.contains(.enrolmentWithdrawn))
        #expect(try admission.check(user: "ada@example.org", lecture: "idor-2020-07", at: out.adding(milliseconds: -1)).decision.isAllowed)
        #expect(try admission.store.enrolments(of: withdrawn.user.id).count == 1)
    }

    @Test(arguments: StoreKind.allCases) func aWithdrawalBeforeTheEnrolmentBeganIsRefusedInThePackagesZone(_ store: StoreKind) throws {
        let workspace = try Workspace(store)  // held: the database goes with it
        let admission = try workspace.open()
        // Ada enrolled at 2020-11-09T10:00:00+01:00.
        let words =
            "cannot withdraw ada@example.org from idor-2020 at 2020-11-01T10:00:00+01:00: the enrolment began at 2020-11-09T10:00:00+01:00"
        #expect(
            performing: {
                try admission.unenrol(user: "ada@example.org", package: "idor-2020", at: instant("2020-11-01T09:00:00Z"))
            },
            throws: { ($0 as? AdmitError)?.description == words }
        )
        #expect(
            try admission.check(user: "ada@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00")).decision
                .isAllowed)
    }
}

@Suite struct PolicyLoadingTests {
    @Test func eachDistinctVersionIsStoredOnce() throws {
        let workspace = try Workspace()
        let first = try workspace.open()
        let version = first.policy.version
        #expect(try first.store.policyFiles(hash: version.hash)?.count == 1)
        let loads = try first.store.auditEntries().filter { $0.kind == .policyLoaded }
        #expect(loads.count == 1)
        _ = try workspace.open()
        let reopened = try workspace.open()
        let after = try reopened.store.auditEntries().filter { $0.kind == .policyLoaded }
        #expect(after.count == 1)

        let changed = try workspace.policyFolder("v2", "permit everyone: open any lecture\n")
        let third = try workspace.open(policies: [changed])
        #expect(third.policy.version != version)
        #expect(try third.store.policyFiles(hash: third.policy.version.hash)?.first?.text == "permit everyone: open any lecture\n")
        #expect(try third.check(user: "ben@example.org", lecture: "idor-2020-07").decision.isAllowed)
    }

    @Test(arguments: StoreKind.allCases) func withoutAPolicyFolderTheLastUsedVersionIsKept(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let first = try workspace.open()
        _ = try first.check(user: "ada@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        let elsewhere = try workspace.open(policies: [workspace.directory + "/absent"], given: false)
        #expect(elsewhere.policy.version == first.policy.version)
    }

    @Test(arguments: StoreKind.allCases) func anInvalidPolicyIsRefusedWithEveryError(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let broken = try workspace.policyFolder(
            "broken", "permit a: open lecture \"idor-2020-99\"\npermit b: open any lecture when now in nowhere\n")
        #expect {
            try workspace.open(policies: [broken])
        } throws: { error in
            guard case .policyInvalid(let listing, let errors) = error as? AdmitError else { return false }
            return errors.count == 2
                && errors[0].hasSuffix("p.policy:1:24: error: unknown lecture 'idor-2020-99'; did you mean 'idor-2020-09'?")
                && listing.contains("p.policy:1:24: error: unknown lecture 'idor-2020-99'")
                && listing.contains("p.policy:2:40: error: undefined window 'nowhere'") && listing.hasSuffix("2 errors")
        }
    }

    @Test func policyToolingChecksAndTestsTheShippedPolicy() throws {
        let workspace = try Workspace()
        let catalog = try PolicyTooling.catalog(for: workspace.configuration())
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath), "policy check creates no database")
        let (loaded, results) = try PolicyTooling.test(paths: [workspace.policies], catalog: catalog)
        #expect(loaded.set.rules.count == 4)
        #expect(!results.isEmpty)
        #expect(results.allSatisfy { $0.passed })
    }
}
