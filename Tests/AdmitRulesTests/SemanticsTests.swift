import AdmitDomain
import AdmitRules
import Testing

/// Deny by default, forbid beats permit, a failing rule never grants.
@Suite struct SemanticsTests {
    let noon = Fixtures.instant("2020-11-15T12:00:00+01:00")

    @Test func denyByDefaultWithNoRules() throws {
        let policy = try Fixtures.compile("window w from 2020-01-01 in UTC\n")
        let decision = policy.explain(.open(Fixtures.lecture, at: noon), facts: Fixtures.ada)
        #expect(decision.effect == .deny)
        #expect(decision.reasons.map(\.code) == [.noApplicableRule])
        #expect(decision.determiningRules.isEmpty)
        #expect(decision.nearestMiss == nil)
    }

    @Test func forbidBeatsPermitWhateverTheOrder() throws {
        for text in [
            "permit p: open any lecture\nforbid f: open any lecture when user.profession == \"radiologist\"\n",
            "forbid f: open any lecture when user.profession == \"radiologist\"\npermit p: open any lecture\n",
        ] {
            let policy = try Fixtures.compile(text)
            let request = AccessRequest.open(Fixtures.lecture, at: noon)
            #expect(
                policy.decide(request, facts: Fixtures.ada)
                    == Verdict(effect: .deny, code: .forbidden, ruleIndex: policy.rules.firstIndex { $0.id == "f" }))
            let decision = policy.explain(request, facts: Fixtures.ada)
            #expect(decision.effect == .deny)
            #expect(decision.determiningRules == ["f"])
            #expect(decision.reasons.first?.code == .forbidden)
            // Ben is a radiographer: the forbid does not apply and the permit grants.
            #expect(policy.decide(request, facts: Fixtures.ben).effect == .allow)
        }
    }

    @Test func suspendedAccountIsForbiddenInsideTheWindow() {
        let decision = Fixtures.shipped.explain(.open(Fixtures.lecture, at: noon), facts: Fixtures.cleo)
        #expect(decision.effect == .deny)
        #expect(decision.determiningRules == ["inactive-accounts"])
        #expect(decision.reasons.first?.message == "forbid 'inactive-accounts' applies")
        #expect(decision.nearestMiss?.rule == "free-access")
        #expect(decision.nearestMiss?.failedClauses.map(\.code) == [.attributeMismatch])
    }

    @Test func aFailingPermitNeverGrants() throws {
        // The user has no country: reading it fails, so the permit does not apply.
        let policy = try Fixtures.compile("permit by-country: open any lecture when user.country == \"AT\"\n")
        var stateless = Fixtures.ada
        stateless.country = nil
        let request = AccessRequest.open(Fixtures.lecture, at: noon)
        #expect(policy.decide(request, facts: stateless).effect == .deny)
        let decision = policy.explain(request, facts: stateless)
        #expect(decision.effect == .deny)
        #expect(decision.allCodes.contains(.permitFailed))
        #expect(decision.allCodes.contains(.attributeMissing))
        // `not` of a failure is still a failure, never a grant.
        let negated = try Fixtures.compile("permit not-at: open any lecture when not user.country == \"AT\"\n")
        #expect(negated.decide(request, facts: stateless).effect == .deny)
        #expect(policy.decide(request, facts: Fixtures.ada).effect == .allow)
    }

    @Test func aFailingForbidDenies() throws {
        let policy = try Fixtures.compile(
            "permit everyone: open any lecture\nforbid embargo: open any lecture when user.country in [\"KP\", \"IR\"]\n")
        var stateless = Fixtures.ada
        stateless.country = nil
        let request = AccessRequest.open(Fixtures.lecture, at: noon)
        #expect(policy.decide(request, facts: stateless) == Verdict(effect: .deny, code: .forbidFailed, ruleIndex: 1))
        let decision = policy.explain(request, facts: stateless)
        #expect(decision.reasons.first?.code == .forbidFailed)
        #expect(decision.determiningRules == ["embargo"])
        #expect(policy.decide(request, facts: Fixtures.ada).effect == .allow)
    }

    @Test func shortCircuitDecidesBeforeAFailure() throws {
        // `or` stops at the first true operand, `and` at the first false one.
        let policy = try Fixtures.compile(
            "permit p: open any lecture when user.account == \"active\" or user.country == \"AT\"\n"
                + "forbid f: open any lecture when user.profession == \"other\" and user.country == \"AT\"\n")
        var stateless = Fixtures.ada
        stateless.country = nil
        #expect(policy.decide(.open(Fixtures.lecture, at: noon), facts: stateless).effect == .allow)
    }

    @Test func scopesCoverOnlyTheirResources() throws {
        let policy = try Fixtures.compile(
            """
            permit one: open lecture "idor-2020-07"
            permit other-package: open lecture in package "other-2021"
            permit join: enrol in any package
            """)
        let seven = AccessRequest.open(Fixtures.lecture, at: noon)
        let eight = AccessRequest.open(Fixtures.catalog.lecture("idor-2020-08")!, at: noon)
        let elsewhere = AccessRequest.open(Fixtures.catalog.lecture("other-2021-01")!, at: noon)
        #expect(policy.decide(seven, facts: Fixtures.ben).effect == .allow)
        #expect(policy.decide(eight, facts: Fixtures.ben).effect == .deny)
        #expect(policy.decide(elsewhere, facts: Fixtures.ben).effect == .allow)
        #expect(policy.decide(.enrol(in: "idor-2020", at: noon), facts: Fixtures.ben).effect == .allow)
        #expect(policy.explain(eight, facts: Fixtures.ben).reasons.first?.code == .noApplicableRule)
    }

    @Test func attributeListsAndNegations() throws {
        let policy = try Fixtures.compile(
            """
            permit staff: open any lecture
              when user.profession in ["radiologist", "radiographer"] and user.subscription not in ["trial"]
            """)
        let request = AccessRequest.open(Fixtures.lecture, at: noon)
        #expect(policy.decide(request, facts: Fixtures.ada).effect == .allow)
        #expect(policy.decide(request, facts: Fixtures.ben).effect == .allow)
        #expect(policy.decide(request, facts: Fixtures.dan).effect == .deny)
        var trial = Fixtures.ada
        trial.subscription = Subscription("trial")!
        #expect(policy.decide(request, facts: trial).effect == .deny)
    }

    /// `decide` (no allocation) and `explain` (with reasons) must never disagree.
    @Test func decideAndExplainAgreeEverywhere() {
        let instants = [
            "2020-11-01T00:00:00Z", "2020-11-07T22:59:59.999Z", "2020-11-07T23:00:00Z", "2020-11-09T09:00:00Z",
            "2020-11-12T17:30:00Z", "2020-11-20T22:59:59.999Z", "2020-11-20T23:00:00Z", "2024-01-01T00:00:00Z",
        ].map(Fixtures.instant)
        var stateless = Fixtures.ada
        stateless.country = nil
        for facts in [Fixtures.ada, Fixtures.ben, Fixtures.cleo, Fixtures.dan, stateless] {
            for at in instants {
                for request in [
                    AccessRequest.open(Fixtures.lecture, at: at), .enrol(in: "idor-2020", at: at), .enrol(in: "other-2021", at: at),
                ] {
                    let verdict = Fixtures.shipped.decide(request, facts: facts)
                    let decision = Fixtures.shipped.explain(request, facts: facts)
                    #expect(verdict.effect == decision.effect)
                    #expect(decision.reasons.first.map { [verdict.code, .noApplicableRule].contains($0.code) } == true)
                }
            }
        }
    }
}
