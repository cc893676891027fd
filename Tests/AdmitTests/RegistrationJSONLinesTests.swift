import Admit
import AdmitDomain
import AdmitJSON
import AdmitTestSupport
import Foundation
import Testing

/// JSON Lines input, and JSON values given by a program (the service's entry point).
@Suite("Registration: JSON Lines and JSON values")
struct RegistrationJSONLinesTests {
    @Test("One object per line; null means not given; blank lines and a byte order mark are tolerated", arguments: StoreKind.allCases)
    func jsonLines(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let text = """
            \u{FEFF}{"email": "j1@example.org", "name": "J \\"One\\"", "profession": "other", "country": null}

            {"email": "ada@example.org", "country": "PT", "error": "ignored, as in a rejects file"}\r
            {"email": "j2@example.org", "name": "Two", "profession": "other", "shoe": "43"}
            {"email": "j3@example.org", "name": 3, "profession": "other"}
            {"email": "j4@example.org", "name": "Four", "profession": "other",}
            ["j5@example.org"]
            {"email": "j6@example.org", "name": "Six", "profession": "other", "name": "Again"}
            """
        let rejects = fixture.directory.file("rejects.jsonl")
        let summary = try fixture.register(text, format: .jsonl, rejects: rejects)
        #expect(summary.created == 1)
        #expect(summary.updated == 1)
        #expect(summary.rejectLines == ["4 unknown-field", "5 invalid-value", "6 invalid-json", "7 invalid-json", "8 invalid-json"])
        #expect(summary.firstRejects[0].message == "unknown field 'shoe'")
        #expect(try fixture.user("j1@example.org")?.name == "J \"One\"")
        #expect(try fixture.user("ada@example.org")?.country == CountryCode("PT"))
        let lines = try fixture.directory.read("rejects.jsonl").split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("{\"error\":\"line 4: shoe: unknown field 'shoe' [unknown-field]\",\"email\":\"j2@example.org\""))
        #expect(lines[2].hasPrefix("{\"error\":\"line 6: byte 66: trailing comma [invalid-json]\",\"text\":"))
    }

    @Test("The format follows the file name's ending unless given")
    func formatFromName() {
        #expect(RegistrationFormat(path: "users.JSONL") == .jsonl)
        #expect(RegistrationFormat(path: "users.ndjson") == .jsonl)
        #expect(RegistrationFormat(path: "users.csv") == .csv)
        #expect(RegistrationFormat(path: "-") == .csv)
    }

    @Test("JSON values given by a program get the same validation, outcomes and batch, one result per value", arguments: StoreKind.allCases)
    func values(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let admission = try fixture.admission()
        let values: [JSONValue] = [
            ["email": "r1@example.org", "name": "R1", "profession": "other"],
            ["email": "ADA@example.org", "subscription": "premium"],
            ["email": "r1@example.org", "name": "Again", "profession": "other"],
            ["email": "r4@example.org", "name": "R4"],
            ["email": "r5@example.org", "name": "R5", "profession": "other", "shoe": "44"],
            [1, 2],
        ]
        var results: [RegistrationRowResult] = []
        let summary = try admission.register(json: values, name: "service", options: RegistrationOptions(package: "idor-2020")) {
            results.append($0)
        }
        #expect(results.map(\.outcome) == [.created, .updated, .rejected, .rejected, .rejected, .rejected])
        #expect(results.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(results.map(\.enrolment) == [.enrolled, .alreadyEnrolled, nil, nil, nil, nil])
        #expect(results[0].user?.email.normalized == "r1@example.org")
        #expect(results[2].reject?.rejectClass == .duplicateInFile)
        #expect(results[3].reject?.rejectClass == .missingValue)
        #expect(results[4].reject?.rejectClass == .unknownField)
        #expect(results[5].reject?.rejectClass == .invalidJSON)
        #expect(summary.sha256.count == 64)
        let again = try admission.register(json: values, name: "service")
        #expect(again.sha256 == summary.sha256, "the digest depends on the rows only")
        #expect(again.unchanged == 2)
        let batch = try #require(summary.batch)
        #expect(try fixture.importBatch(batch)?["file_name"] == "service")
    }
}
