import Admit
import AdmitDomain
import AdmitStore
import Testing

/// `CheckBatch`: when the checks of a stream (the service's read of lines) are decided and logged.
@Suite struct CheckBatchTests {
    static let at = instant("2020-11-15T10:00:00+01:00")

    static func check(_ user: String, _ lecture: String = "idor-2020-07") -> CheckRequest {
        CheckRequest(user: user, lecture: lecture, at: at)
    }

    @Test func checksWaitUntilFlushThenAreDecidedAndLoggedTogetherAtTheirPositions() throws {
        let admission = try Workspace().open()
        let head = try admission.store.auditCount()
        var batch = CheckBatch(admission: admission, actor: "batch-actor")
        batch.add(Self.check("ada@example.org"), at: 0)
        batch.add(Self.check("nobody@example.org"), at: 2)
        batch.add(Self.check("ben@example.org"), at: 5)
        #expect(try admission.store.auditCount() == head, "nothing is decided before a flush")

        var decided: [(position: Int, result: Result<CheckOutcome, AdmitError>)] = []
        batch.flush { decided.append(($0, $1)) }
        #expect(decided.map(\.position) == [0, 2, 5])
        let ada = try decided[0].result.get()
        let ben = try decided[2].result.get()
        #expect((try? decided[1].result.get()) == nil, "an unknown user fails alone")
        #expect(ada.decision.effect == .allow && ben.decision.effect == .deny)
        #expect([ada.auditSeq, ben.auditSeq] == [head + 1, head + 2], "logged in position order, failures not at all")
        #expect(try admission.store.auditCount() == head + 2)
        #expect(try admission.store.auditEntry(head + 1)?.actor == "batch-actor")

        var calls = 0
        batch.flush { _, _ in calls += 1 }
        #expect(calls == 0, "a flush decides each check once")
        #expect(try admission.store.auditCount() == head + 2)
    }

    @Test func aRequestThatTouchesNoStoreLetsTheChecksWaitOneThatDoesDecidesThemFirst() throws {
        let admission = try Workspace().open()
        let head = try admission.store.auditCount()
        var batch = CheckBatch(admission: admission, actor: nil)
        batch.add(Self.check("ada@example.org"), at: 0)
        var positions: [Int] = []
        batch.before(requestTouchingStore: false) { position, _ in positions.append(position) }
        #expect(positions.isEmpty)
        #expect(try admission.store.auditCount() == head)
        batch.add(Self.check("cleo@example.org"), at: 2)
        batch.before(requestTouchingStore: true) { position, _ in positions.append(position) }
        #expect(positions == [0, 2])
        #expect(try admission.store.auditCount() == head + 2)
        #expect(try admission.store.auditEntry(head + 1)?.actor == "test", "no actor: the configuration's")
    }

    @Test func theLogKeepsTheOrderOfArrivalAroundARequestThatWrites() throws {
        // As the service runs `check, enrol, check`: the first check is decided and logged before
        // the enrolment (and so denied), the second after it (and allowed).
        let admission = try Workspace().open()
        var batch = CheckBatch(admission: admission, actor: nil)
        var outcomes: [Int: CheckOutcome] = [:]
        func decided(_ position: Int, _ result: Result<CheckOutcome, AdmitError>) { outcomes[position] = try? result.get() }
        batch.add(Self.check("ben@example.org"), at: 0)
        batch.before(requestTouchingStore: true, decided: decided)
        let enrolment = try admission.enrol(user: "ben@example.org", package: "idor-2020", at: instant("2020-11-10T10:00:00+01:00"))
        #expect(enrolment.result == .enrolled)
        let afterEnrolment = try admission.store.auditCount()
        batch.add(Self.check("ben@example.org"), at: 2)
        batch.flush(decided)
        let first = try #require(outcomes[0])
        let second = try #require(outcomes[2])
        #expect(first.decision.effect == .deny && second.decision.effect == .allow)
        #expect(first.auditSeq < afterEnrolment && second.auditSeq == afterEnrolment + 1)
    }
}
