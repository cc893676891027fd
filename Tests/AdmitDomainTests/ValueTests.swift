import AdmitDomain
import Testing

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("ada@example.org", "ada@example.org"),
        ("  Ada@Example.ORG \n", "ada@example.org"),
        ("\u{00C9}MILE@example.org", "\u{00E9}mile@example.org"),
        ("E\u{0301}mile@example.org", "\u{00E9}mile@example.org"),
        ("Stra\u{00DF}e@example.org", "strasse@example.org"),
    ])
    func normalises(text: String, normal: String) throws {
        let address = try EmailAddress(text)
        #expect(address.normalized == normal)
        #expect(Array(address.normalized.utf8) == Array(normal.utf8))
    }

    @Test func samePersonWithDifferentCaseAndNormalisation() throws {
        #expect(try EmailAddress("ZOË@example.org") == EmailAddress("zoe\u{0308}@Example.org"))
    }

    @Test(arguments: [
        ("", EmailError.Problem.empty),
        ("   ", .empty),
        ("ada.example.org", .atSigns),
        ("ada@@example.org", .atSigns),
        ("@example.org", .localPart),
        ("ada@example", .domain),
        ("ada@example.", .domain),
        ("ada lovelace@example.org", .whitespaceOrControl),
        ("ada\u{0}@example.org", .whitespaceOrControl),
        (String(repeating: "a", count: 65) + "@example.org", .localPart),
        ("a@" + String(repeating: "b", count: 250) + ".org", .tooLong),
    ])
    func rejects(text: String, problem: EmailError.Problem) {
        #expect(throws: EmailError(text: text, problem: problem)) { try EmailAddress(text) }
    }
}

@Suite struct CountryCodeTests {
    @Test func all249AssignedCodes() {
        #expect(CountryCode.assigned.count == 249)
        #expect(CountryCode.assigned.allSatisfy { $0.count == 2 && $0 == $0.uppercased() })
    }

    @Test(arguments: ["AT", "at", " de ", "GB", "XK"])
    func acceptsOrRejects(text: String) {
        let code = CountryCode(text)
        if text == "XK" {
            #expect(code == nil, "XK is user-assigned, not officially assigned")
        } else {
            #expect(code?.rawValue == text.trimmingWhitespace().uppercased())
        }
    }

    @Test func rejectsUnassigned() {
        for text in ["XX", "UK", "A", "AUT", "", "ÄT"] { #expect(CountryCode(text) == nil, "\(text)") }
    }
}

@Suite struct EnrolmentTests {
    @Test func countsFromItsInstantUntilWithdrawn() {
        let enrolment = Enrolment(
            user: UserID(1), package: "idor-2020", enrolledAt: Instant(millisecondsSinceEpoch: 1000), source: .self,
            withdrawnAt: Instant(millisecondsSinceEpoch: 2000))
        #expect(!enrolment.counts(at: Instant(millisecondsSinceEpoch: 999)))
        #expect(enrolment.counts(at: Instant(millisecondsSinceEpoch: 1000)))
        #expect(enrolment.counts(at: Instant(millisecondsSinceEpoch: 1999)))
        #expect(!enrolment.counts(at: Instant(millisecondsSinceEpoch: 2000)))
    }

    @Test func subscriptionNames() {
        #expect(Subscription("premium") != nil)
        #expect(Subscription("none") == Subscription.none)
        #expect(Subscription("Premium") == nil)
        #expect(Subscription("") == nil)
        #expect(Subscription("1st") == nil)
        #expect(Subscription("gold plus") == nil)
    }
}
