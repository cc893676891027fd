import Admit
import AdmitDomain
import AdmitPostgres
import AdmitStore
import AdmitTestSupport
import Testing

/// The decision log's day partitions on PostgreSQL: made ahead of their days, dropped when old,
/// every chain still verified (in `PostgresAdmissionTests`, which runs its tests one at a time).
extension PostgresAdmissionTests {
    static func day(_ text: String) -> LocalDate {
        guard case .date(let day)? = try? TimeLiteral(parsing: text) else { fatalError("not a day: \(text)") }
        return day
    }

    @Test func dayPartitionsAreMadeAheadAndOldDaysDroppedWithEveryChainStillVerified() async throws {
        try await AdmissionPlace.with(.postgres) { place in
            // Writer one decides on 15 November, writer two on the 16th (UTC days).
            let one = try place.open(writer: "one", at: "2020-11-15T12:00:00+01:00")
            let made = try one.partitions(ahead: 2)
            #expect(made.created == [Self.day("2020-11-15"), Self.day("2020-11-16"), Self.day("2020-11-17")])
            #expect(made.inDefault.isEmpty && made.dropped.isEmpty)
            #expect(try one.partitions(ahead: 2).created.isEmpty, "made once")
            var lastOfOne: Int64 = 0
            for lecture in ["idor-2020-01", "idor-2020-02", "idor-2020-03"] {
                lastOfOne = try one.check(user: "ada@example.org", lecture: lecture).auditSeq
            }
            let two = try place.open(writer: "two", at: "2020-11-16T12:00:00+01:00")
            let firstOfTwo = try two.check(user: "ben@example.org", lecture: "idor-2020-01")
            _ = try two.enrol(user: "ben@example.org", package: "idor-2020")
            let lastOfTwo = try two.check(user: "ben@example.org", lecture: "idor-2020-02").auditSeq
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions_20201115") == 3)
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions_20201116") == 2)
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions_default") == 0)

            // On the 17th: the 15th and 16th dropped; each writer's chain is verified after its last dropped row.
            let three = try place.open(writer: "three", at: "2020-11-17T09:00:00+01:00")
            #expect(throws: AdmitError.invalidInput(.dropsCurrentDecisions(day: Self.day("2020-11-18"), today: Self.day("2020-11-17")))) {
                try three.partitions(dropBefore: Self.day("2020-11-18"))
            }
            // A report reads the decisions into its tables first.
            #expect(try three.decisions(user: "ada@example.org").count == 3)
            #expect(try await place.integer("SELECT count(*) FROM decisions_by_user") == 5)
            let dropped = try three.partitions(ahead: 1, dropBefore: Self.day("2020-11-17"))
            #expect(dropped.dropped == [Self.day("2020-11-15"), Self.day("2020-11-16")])
            #expect(dropped.created == [Self.day("2020-11-18")])
            #expect(dropped.partitions == [Self.day("2020-11-17"), Self.day("2020-11-18")])
            #expect(
                dropped.archived == [
                    PartitionReport.ArchivePoint(writer: "one", seq: lastOfOne),
                    PartitionReport.ArchivePoint(writer: "two", seq: lastOfTwo),
                ])
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions") == 0)
            #expect(
                try await place.integer("SELECT count(*) FROM decisions_by_user") == 0, "the report tables' rows of the days went with them"
            )
            #expect(try three.decisions(user: "ada@example.org").isEmpty)
            let verification = try three.verifyAudit()
            #expect(verification.isIntact, "\(verification)")
            try await place.expectEveryChainIntact(writers: 3)
            // The enrolment made between two's dropped decisions is still every table's state.
            #expect(try three.check(user: "ben@example.org", lecture: "idor-2020-04").decision.isAllowed)
            #expect(throws: AdmitError.auditNotFound(firstOfTwo.auditSeq)) {
                try three.replay(DecisionID(writer: "two", seq: firstOfTwo.auditSeq))
            }
            // Two goes on deciding after its archive point, and its chain goes on verifying.
            _ = try two.check(user: "ben@example.org", lecture: "idor-2020-05")
            try await place.expectEveryChainIntact(writers: 3)

            // A day decided on before its partition was made stays in the default partition.
            let late = try place.open(writer: "late", at: "2020-11-20T12:00:00+01:00")
            _ = try late.check(user: "ada@example.org", lecture: "idor-2020-01")
            let afterwards = try late.partitions(ahead: 0)
            #expect(afterwards.inDefault == [Self.day("2020-11-20")] && afterwards.created.isEmpty)
            // Two's decision after the drop is of the 16th (its clock): it went to the default partition too.
            #expect(try late.partitions(ahead: 0, dropBefore: Self.day("2020-11-20")).keptInDefault == 1)
            #expect(try late.partitions(ahead: 0, dropBefore: Self.day("2020-11-20")).dropped.isEmpty, "dropped once")
            #expect(try await place.integer("SELECT count(*) FROM audit_decisions_default") == 2)

            // A partition dropped by hand, outside the job, is found: its rows are missing from a chain.
            let four = try place.open(writer: "four", at: "2020-11-19T12:00:00+01:00")
            _ = try four.partitions(ahead: 0)
            let lost = try four.check(user: "ada@example.org", lecture: "idor-2020-01").auditSeq
            #expect(try four.verifyAudit().isIntact)
            try await TestServer.execute("DROP TABLE audit_decisions_20201119", on: place.url!)
            let broken = try four.verifyAudit()
            #expect(broken.firstBreak?.seq == lost, "\(broken)")
            #expect(broken.firstBreak?.reason.contains("four") == true, "\(broken)")
            for admission in [one, two, three, late, four] { admission.close() }
        }
    }

    @Test func partitionsAreForPostgresOnly() async throws {
        try await AdmissionPlace.with(.sqlite) { place in
            let admission = try place.open(writer: "one")
            defer { admission.close() }
            #expect(throws: AdmitError.invalidInput(.postgresOnly(feature: "audit partitions", path: place.database))) {
                try admission.partitions()
            }
            #expect(try admission.makeDayPartitions() == nil)
        }
    }
}
