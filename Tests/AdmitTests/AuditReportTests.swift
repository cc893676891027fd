import Admit
import AdmitCSV
import AdmitDomain
import AdmitJSON
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

@Suite struct EnrolmentReportTests {
    @Test(arguments: StoreKind.allCases) func reportsTheSeededData(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        for user in ["ada", "ben", "cleo", "dan"] {
            _ = try admission.check(user: "\(user)@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        }
        let report = try admission.enrolmentReport(package: nil)
        #expect(report.package.id == "idor-2020")
        #expect(report.total == 3)
        #expect(report.people == 3)
        #expect(report.first == instant("2020-11-09T10:00:00+01:00"))
        #expect(report.last == instant("2020-11-12T18:30:00+01:00"))
        #expect(report.perDay.map(\.day.description) == ["2020-11-09", "2020-11-10", "2020-11-12"])
        #expect(report.byProfession.map(\.key) == ["radiologist", "other"])
        #expect(report.bySource.map(\.key) == ["self"])
        let anomalies = Dictionary(uniqueKeysWithValues: report.anomalies.map { ($0.kind, $0) })
        #expect(anomalies[.forced]?.count == 0)
        #expect(anomalies[.inactiveAccount]?.rows.map(\.email) == ["cleo@example.org"])
        #expect(anomalies[.neverOpened]?.rows.map(\.email) == ["cleo@example.org"], "cleo's check was denied")
        #expect(anomalies[.openedWithoutEnrolment]?.count == 0)
        #expect(anomalies[.likelyDuplicate]?.count == 0)
    }

    /// An opening listed as without enrolment is cleared by an enrolment recorded later that
    /// counts from before it, whenever the report first ran.
    @Test func aBackdatedEnrolmentClearsAnOpeningWithoutEnrolment() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let registered = instant("2020-11-15T10:00:00+01:00")
        try admission.store.write {
            _ = try admission.store.createUser(
                NewUser(
                    email: try EmailAddress("payer@example.org"), name: "Payer", profession: .other, country: CountryCode("PT"),
                    account: .active, subscription: Subscription("premium")!, registeredAt: registered),
                ChangeContext(recordedAt: registered, actor: "test"))
        }
        let opened = instant("2021-01-05T12:00:00+01:00")
        #expect(try admission.check(user: "payer@example.org", lecture: "idor-2020-02", at: opened).decision.isAllowed)
        func listed() throws -> Int64? {
            try admission.enrolmentReport(package: "idor-2020").anomalies.first { $0.kind == .openedWithoutEnrolment }?.count
        }
        #expect(try listed() == 1)
        #expect(try admission.enrol(user: "payer@example.org", package: "idor-2020", at: registered).result == .enrolled)
        #expect(try listed() == 0)
    }

    /// Every anomaly planted in generated data is found, with the rows behind it.
    @Test func findsEachPlantedAnomaly() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let inWindow = instant("2020-11-15T10:00:00+01:00")
        // 30 ordinary users, enrolled in the window, each opening a lecture once.
        var newUsers: [NewUser] = (1...30).map {
            NewUser(
                email: try! EmailAddress("user\($0)@example.org"), name: "User \($0)", profession: .radiographer,
                country: CountryCode("PT"),
                account: .active, subscription: .none, registeredAt: inWindow)
        }
        // A likely duplicate by tagged address, and one by name and country.
        newUsers.append(
            NewUser(
                email: try EmailAddress("user1+idor@example.org"), name: "Someone Else", profession: .other, country: CountryCode("PT"),
                account: .active, subscription: .none, registeredAt: inWindow))
        newUsers.append(
            NewUser(
                email: try EmailAddress("u2.other@example.net"), name: "  user   2 ", profession: .other, country: CountryCode("PT"),
                account: .active, subscription: .none, registeredAt: inWindow))
        // A suspended account, a premium user who never enrols.
        newUsers.append(
            NewUser(
                email: try EmailAddress("frozen@example.org"), name: "Frozen", profession: .other, country: CountryCode("PT"),
                account: .suspended, subscription: .none, registeredAt: inWindow))
        newUsers.append(
            NewUser(
                email: try EmailAddress("payer@example.org"), name: "Payer", profession: .other, country: CountryCode("PT"),
                account: .active, subscription: Subscription("premium")!, registeredAt: inWindow))
        try admission.store.write {
            for user in newUsers { _ = try admission.store.createUser(user, ChangeContext(recordedAt: inWindow, actor: "test")) }
        }
        for n in 1...30 {
            #expect(try admission.enrol(user: "user\(n)@example.org", package: "idor-2020", at: inWindow).result == .enrolled)
            if n != 7 {
                _ = try admission.check(user: "user\(n)@example.org", lecture: "idor-2020-01", at: inWindow.adding(milliseconds: 1))
            }
        }
        _ = try admission.enrol(user: "user1+idor@example.org", package: "idor-2020", at: inWindow)
        _ = try admission.enrol(user: "u2.other@example.net", package: "idor-2020", at: inWindow)
        // Forced: enrolled after the window closed.
        _ = try admission.enrol(user: "frozen@example.org", package: "idor-2020", at: instant("2020-12-01T00:00:00+01:00"), force: true)
        // Opened without an enrolment: premium after the free window.
        _ = try admission.check(user: "payer@example.org", lecture: "idor-2020-02", at: instant("2021-01-05T12:00:00+01:00"))

        let report = try admission.enrolmentReport(package: "idor-2020", limit: nil)
        let anomalies = Dictionary(uniqueKeysWithValues: report.anomalies.map { ($0.kind, $0) })
        #expect(anomalies[.forced]?.rows.map(\.email) == ["frozen@example.org"])
        #expect(Set(anomalies[.inactiveAccount]?.rows.map(\.email) ?? []) == ["cleo@example.org", "frozen@example.org"])
        #expect(Set(anomalies[.likelyDuplicate]?.rows.map(\.email) ?? []) == ["user1+idor@example.org", "u2.other@example.net"])
        #expect(anomalies[.openedWithoutEnrolment]?.rows.map(\.email) == ["payer@example.org"])
        #expect(anomalies[.openedWithoutEnrolment]?.rows.first?.detail.contains("idor-2020-02") == true)
        let never = Set(anomalies[.neverOpened]?.rows.map(\.email) ?? [])
        #expect(
            never == [
                "user7@example.org", "user1+idor@example.org", "u2.other@example.net", "frozen@example.org", "cleo@example.org",
                "ada@example.org", "dan@example.org",
            ])
        #expect(report.total == 3 + 30 + 3)
        #expect(report.bySource.map(\.key) == ["self"])
        #expect(report.bySource.first?.count == 36)

        // A range narrows everything; the limit caps rows but not counts.
        let capped = try admission.enrolmentReport(package: "idor-2020", limit: 2)
        #expect(capped.anomalies.first { $0.kind == .neverOpened }?.rows.count == 2)
        #expect(capped.anomalies.first { $0.kind == .neverOpened }?.count == anomalies[.neverOpened]?.count)
        let late = try admission.enrolmentReport(package: "idor-2020", range: Span(start: instant("2020-11-21T00:00:00+01:00"), end: .max))
        #expect(late.total == 1)
    }

    @Test(arguments: StoreKind.allCases) func daysAreCountedInThePackagesZone(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        // 23:30 UTC on the 14th is already the 15th in Vienna.
        #expect(try admission.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-14T23:30:00Z")).result == .enrolled)
        let report = try admission.enrolmentReport(package: nil, range: Span(start: instant("2020-11-14T00:00:00Z"), end: .max))
        #expect(report.perDay.map(\.day.description) == ["2020-11-15"])
    }

    @Test func csvNeutralisesFormulaInjection() throws {
        let workspace = try Workspace()
        let admission = try workspace.open()
        let at = instant("2020-11-15T10:00:00+01:00")
        let people = [
            ("f0@example.org", "=HYPERLINK(\"http://evil\",\"x\")"), ("f1@example.org", "+1+1"), ("f2@example.org", "-2+3"),
            ("f3@example.org", "@SUM(A1)"), ("f4@example.org", "\tTab"), ("=1+1@example.org", "Formula Address"),
            ("+43@example.org", "Plus Address"),
        ]
        for (email, name) in people {
            try admission.store.write {
                _ = try admission.store.createUser(
                    NewUser(
                        email: try EmailAddress(email), name: name, profession: .other, country: nil, account: .active,
                        subscription: .none, registeredAt: at),
                    ChangeContext(recordedAt: at, actor: "test"))
            }
            _ = try admission.enrol(user: email, package: "idor-2020", at: at)
        }
        let csv = String(decoding: try admission.enrolmentReport(package: nil, limit: nil).csv, as: UTF8.self)
        #expect(csv.contains("'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")"))
        #expect(csv.contains(",'+1+1,"))
        #expect(csv.contains(",'-2+3,"))
        #expect(csv.contains(",'@SUM(A1),"))
        // Read back as CSV: no cell starts with what a spreadsheet takes for a formula.
        var reader = CSVReader(source: MemoryByteSource(Array(csv.utf8)))
        var cells: [String] = []
        while let row = try reader.next() { cells += row.fields }
        #expect(cells.contains("'=1+1@example.org") && cells.contains("'+43@example.org"))
        for cell in cells {
            #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.first.map(String.init) ?? ""), "\(cell)")
        }
    }
}

@Suite struct DecisionAuditTests {
    @Test(arguments: StoreKind.allCases) func listsDecisionsWithFilters(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        for user in ["ada", "ben", "ada", "dan"] {
            _ = try admission.check(user: "\(user)@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        }
        _ = try admission.check(user: "ada@example.org", lecture: "idor-2020-08", at: instant("2020-12-15T10:00:00+01:00"))
        #expect(try admission.decisions().count == 5)
        #expect(try admission.decisions(user: "ada@example.org").map(\.seq) == [13, 11, 9])
        #expect(try admission.decisions(user: "ADA@example.org", lecture: "idor-2020-07").count == 2)
        #expect(try admission.decisions(lecture: "idor-2020-08").map(\.effect) == [.deny])
        #expect(try admission.decisions(effect: .deny).map(\.seq) == [13, 10])
        #expect(try admission.decisions(range: Span(start: instant("2020-12-01T00:00:00Z"), end: .max)).map(\.seq) == [13])
        #expect(try admission.decisions(package: "idor-2020", limit: 2).map(\.seq) == [13, 12])
        let first = try #require(try admission.decisions(user: "ben@example.org").first)
        #expect(first.reasons.map(\.code) == [.noPermit])
        #expect(first.json["decision"] == "deny")
        // Later decisions are indexed on the next query.
        _ = try admission.check(user: "ben@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        #expect(try admission.decisions(user: "ben@example.org").count == 2)
    }

    @Test(arguments: StoreKind.allCases) func replaysADecisionMadeUnderAnOlderPolicyVersion(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let old = try workspace.open()
        let logged = try old.check(user: "ben@example.org", lecture: "idor-2020-07", at: instant("2020-11-15T10:00:00+01:00"))
        #expect(logged.decision.effect == .deny)
        // Ben enrols later, and a new policy opens every lecture to everyone.
        _ = try old.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-16T10:00:00+01:00"))
        let open = try workspace.policyFolder("v2", "permit everyone: open any lecture\n")
        let now = try workspace.open(policies: [open])
        #expect(now.policy.version != logged.policy)
        let replay = try now.replay(logged.auditSeq)
        #expect(replay.reproduces)
        #expect(replay.replayed.effect == .deny)
        #expect(replay.replayed.nearestMiss?.failedClauses.map(\.code) == [.notEnrolled], "replay uses the facts logged, not today's")
        #expect(replay.today.effect == .allow)
        #expect(!replay.sameToday)
        #expect(replay.todayPolicy == now.policy.version)
        #expect(replay.json["replayed"]?["reproduces"] == true)
    }

    @Test(arguments: StoreKind.allCases) func replayRefusesWhatIsNotADecision(_ store: StoreKind) throws {
        let workspace = try Workspace(store)
        let admission = try workspace.open()
        #expect(throws: AdmitError.auditNotFound(999)) { try admission.replay(999) }
        #expect(throws: AdmitError.self) { try admission.replay(1) }
    }
}
