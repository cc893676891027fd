import AdmitDomain

/// Expected decisions at given instants, kept beside the policies in `*.tests` files.
///
///     tests     := { user | expect }
///     user      := "user" NAME { attribute }
///     attribute := ( "account" | "profession" | "country" | "subscription" ) STRING
///                | "enrolled" "in" [ "package" ] STRING "at" TIME [ "until" TIME ]
///     expect    := "expect" ( "allow" | "deny" ) NAME request "at" TIME [ "because" CODE { "," CODE } ]
///     request   := "open" [ "lecture" ] STRING | "enrol" "in" [ "package" ] STRING
///
/// A test user is active, `other`, without a subscription and without a country unless told
/// otherwise. `because` lists reason codes the decision must contain (see `ReasonCode`).
public struct PolicyTestSuite: Sendable {
    /// The expectations in file and line order.
    public let cases: [PolicyTestCase]

    /// Parses and checks test files against `catalog`; throws every error found.
    public static func parse(_ sources: [PolicySource], catalog: Catalog) throws(PolicyDiagnostics) -> PolicyTestSuite {
        var diagnostics: [PolicyDiagnostic] = []
        var cases: [PolicyTestCase] = []
        for source in sources {
            var parser = PolicyTestParser(source: source, catalog: catalog)
            cases += parser.parse()
            diagnostics += parser.stream.diagnostics
        }
        if !diagnostics.isEmpty { throw PolicyDiagnostics(diagnostics) }
        return PolicyTestSuite(cases: cases)
    }

    /// Runs every expectation against `policy`.
    public func run(against policy: PolicySet) -> [PolicyTestResult] {
        cases.map { test in
            let decision = policy.explain(test.request, facts: test.facts)
            let missing = test.expectedCodes.filter { !decision.allCodes.contains($0) }
            return PolicyTestResult(test: test, decision: decision, missingCodes: missing)
        }
    }
}

/// One expectation: this user, this request, this instant, this effect (and these reasons).
public struct PolicyTestCase: Sendable, Hashable {
    /// Where the expectation is written.
    public var location: SourceLocation
    /// The test user it is about.
    public var userName: String
    /// The test user's facts.
    public var facts: Facts
    /// What is asked, and when.
    public var request: AccessRequest
    /// The effect expected.
    public var expected: Effect
    /// Reason codes the decision must contain (its own or its nearest miss's).
    public var expectedCodes: [ReasonCode]
}

/// The outcome of one expectation.
public struct PolicyTestResult: Sendable, Hashable {
    /// The expectation.
    public var test: PolicyTestCase
    /// What the policy decided.
    public var decision: Decision
    /// Expected reason codes the decision lacks.
    public var missingCodes: [ReasonCode]

    /// Whether the effect is the one expected and no expected code is missing.
    public var passed: Bool { decision.effect == test.expected && missingCodes.isEmpty }

    /// Why it failed, in one line (empty when it passed).
    public var failure: String {
        if decision.effect != test.expected {
            let why = decision.reasons.first?.message ?? ""
            return "expected \(test.expected.rawValue), got \(decision.effect.rawValue): \(why)"
        }
        guard !missingCodes.isEmpty else { return "" }
        let got = decision.allCodes.map(\.rawValue).joined(separator: ", ")
        return
            "\(test.expected.rawValue) as expected, but without reason \(missingCodes.map(\.rawValue).joined(separator: ", ")) (got \(got))"
    }
}
