import Admit
import AdmitDomain
import AdmitStore
import AdmitTestSupport
import Foundation
import Testing

/// What happens to each row: created, updated (given columns only), unchanged or rejected.
@Suite("Registration: outcomes")
struct RegistrationOutcomeTests {
    @Test(
        "The same person twice, in another case and Unicode form, is a duplicate in the file; the first row counts",
        arguments: StoreKind.allCases)
    func samePersonTwice(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let nfc = "zo\u{00EB}@example.org"
        let nfd = "ZO\u{0045}\u{0308}@Example.ORG"
        let csv =
            "email,name,profession\n\(nfc),First,other\n\(nfd),Second,radiologist\n  Ada@EXAMPLE.org ,Ada Again,other\nADA@example.org,Ada Thrice,other\n"
        let summary = try fixture.register(csv)
        #expect(summary.created == 1)
        #expect(summary.updated == 1)
        #expect(summary.rejectLines == ["3 duplicate-in-file", "5 duplicate-in-file"])
        #expect(summary.firstRejects[1].message.contains("on line 4"), "a user found in the database is claimed with its line")
        let user = try #require(try fixture.user(nfc))
        #expect(user.name == "First")
        #expect(user.email.normalized == "zo\u{00EB}@example.org")
        #expect(Array(user.email.normalized.utf8) == Array("zo\u{00EB}@example.org".utf8), "stored in NFC")
        #expect(try fixture.user("ada@example.org")?.name == "Ada Again")
    }

    @Test("The same file twice: the second run finds everything unchanged and writes no change", arguments: StoreKind.allCases)
    func idempotent(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let csv =
            "email,name,profession,country,account,subscription\nada@example.org,Ada L,radiologist,AT,active,premium\nben@example.org,Ben,other,DE,,\nbad,Bad,other,AT,,\n"
        let first = try fixture.register(csv)
        #expect((first.created, first.updated, first.unchanged, first.rejected) == (1, 1, 0, 1))
        let state = try fixture.userRows()
        let kinds = try fixture.auditKinds()
        let second = try fixture.register(csv)
        #expect((second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 2, 1))
        #expect(try fixture.userRows() == state)
        let after = try fixture.auditKinds()
        #expect(after["user.created"] == kinds["user.created"])
        #expect(after["user.updated"] == kinds["user.updated"])
        #expect(after["import.finished"] == 2)
    }

    @Test("An update changes only the columns the row gives; an empty cell gives nothing", arguments: StoreKind.allCases)
    func partialUpdate(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register("email,name,country,subscription\nada@example.org,,IT,\n")
        #expect(summary.updated == 1)
        let ada = try #require(try fixture.user("ada@example.org"))
        #expect(ada.name == "Ada")
        #expect(ada.country == CountryCode("IT"))
        #expect(ada.profession == .radiologist)
        #expect(ada.subscription == .none)
        // The update's state row holds the state after it; the version before holds the state before.
        let states = try fixture.texts(
            """
            SELECT CAST(c.version AS text) || ' ' || coalesce(c.country, '-') || ' ' || CAST(c.kind AS text) FROM audit_changes c
            JOIN users u ON u.id = c.user_id WHERE u.email = 'ada@example.org' ORDER BY c.version
            """)
        #expect(states.suffix(2) == ["\(states.count - 1) AT 3", "\(states.count) IT 2"], "\(states)")
    }

    @Test("Values are trimmed and enumerations read in any ASCII case; a new user gets the defaults", arguments: StoreKind.allCases)
    func normalisation(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(
            "Email , NAME ,profession,country,account,subscription,external_id\n  New@Example.ORG\t, Nina ,RADIOLOGIST, at ,,Premium, X-7 \n"
        )
        #expect(summary.created == 1)
        let user = try #require(try fixture.user("new@example.org"))
        #expect(user.name == "Nina")
        #expect(user.profession == .radiologist)
        #expect(user.country == CountryCode("AT"))
        #expect(user.account == .active)
        #expect(user.subscription == Subscription("premium"))
        #expect(user.externalID == "X-7")
        #expect(user.registeredAt == RegistrationFixture.now)
    }

    @Test(
        "Values of the wrong shape are rejected with their column",
        arguments: [
            ("no-at-sign,N,other,,,", "email", RejectClass.invalidValue),
            (",N,other,,,", "email", .missingValue),
            ("x@example.org,N,surgeon,,,", "profession", .invalidValue),
            ("x@example.org,N,other,ZZ,,", "country", .invalidValue),
            ("x@example.org,N,other,,paused,", "account", .invalidValue),
            ("x@example.org,N,other,,,Gold Plan", "subscription", .invalidValue),
            ("x@example.org,,other,,,", "name", .missingValue),
            ("x@example.org,N,,,,", "profession", .missingValue),
        ])
    func invalidValues(row: String, column: String, rejectClass: RejectClass) throws {
        let fixture = try RegistrationFixture()
        let summary = try fixture.register("email,name,profession,country,account,subscription\n\(row)\n")
        #expect(summary.rejected == 1)
        #expect(summary.firstRejects.first?.column == column)
        #expect(summary.firstRejects.first?.rejectClass == rejectClass)
        #expect(try fixture.user("x@example.org") == nil)
    }

    @Test("registered_at must be an instant with an offset", arguments: StoreKind.allCases)
    func registeredAt(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(
            "email,name,profession,registered_at\na@example.org,A,other,2019-05-01T08:00:00+02:00\nb@example.org,B,other,2019-05-01T08:00:00\n"
        )
        #expect(summary.created == 1)
        #expect(summary.rejectLines == ["3 invalid-value"])
        #expect(try fixture.user("a@example.org")?.registeredAt == Instant(parsing: "2019-05-01T06:00:00Z"))
    }

    @Test("An external id that belongs to another user rejects the row", arguments: StoreKind.allCases)
    func externalIDTaken(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(
            "email,name,profession,external_id\na@example.org,A,other,E1\nb@example.org,B,other,E1\nada@example.org,,,E1\nada@example.org,,,E2\n"
        )
        #expect(summary.created == 1)
        #expect(summary.rejectLines == ["3 external-id-taken", "4 external-id-taken"])
        #expect(summary.firstRejects.first?.message == "external id 'E1' already belongs to a@example.org")
        #expect(try fixture.user("ada@example.org")?.externalID == "E2", "a rejected row does not claim the address")
    }

    @Test(
        "SQL metacharacters and other awkward text are stored verbatim",
        arguments: StoreKind.allCases,
        [
            "Robert'); DROP TABLE users;--", "\" OR 1=1 --", "; DELETE FROM audit_log;", "=HYPERLINK(\"http://x\")", "%_*?[]\\",
            "emoji 🩻 and 'quotes'", "tab\tinside",
        ])
    func metacharacters(_ store: StoreKind, text: String) throws {
        let fixture = try RegistrationFixture(store)
        let quoted = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let summary = try fixture.register("email,name,profession,external_id\nmeta@example.org,\(quoted),other,\(quoted)\n")
        #expect(summary.created == 1)
        let user = try #require(try fixture.user("meta@example.org"))
        #expect(user.name == text)
        #expect(user.externalID == text)
        #expect(try fixture.texts("SELECT CAST(count(*) AS text) FROM users") == ["2"])
    }

    @Test("Every created or updated user has its audit row, in the batch, and the chain stays intact", arguments: StoreKind.allCases)
    func auditRows(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register("email,name,profession\nada@example.org,Ada B,\nnew@example.org,New,other\n")
        let batch = try #require(summary.batch)
        let rows = try fixture.batchAuditRows(batch)
        #expect(rows == ["import.started 0", "user.updated 1", "user.created 2", "import.finished 0"])
        #expect(try fixture.admission().verifyAudit().isIntact)
        let stored = try #require(try fixture.importBatch(batch))
        #expect(stored["status"] == "completed")
        #expect(stored["sha256"]?.count == 64)
        #expect(stored["actor"] == "test")
        #expect(stored["counts"]?.contains("\"created\":1") == true)
        #expect(stored["ended"] == "yes")
    }
}
