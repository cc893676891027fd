import Admit
import AdmitDomain
import AdmitTestSupport
import Foundation
import Testing

/// The CSV edge cases of RFC 4180 and of real exports, each through the whole importer.
@Suite("Registration: CSV input")
struct RegistrationCSVTests {
    static let header = "email,name,profession,country"

    @Test("Quoted fields, doubled quotes, delimiters and line breaks inside quotes are read as data", arguments: StoreKind.allCases)
    func quotedFields(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let csv =
            Self.header + "\r\n"
            + "\"quoted@example.org\",\"Plain\",radiologist,AT\r\n"
            + "doubled@example.org,\"She said \"\"hi\"\"\",other,DE\r\n"
            + "comma@example.org,\"Smith, John\",other,\r\n"
            + "newline@example.org,\"Line one\r\nline two\nline three\",other,IT\r\n"
            + "after@example.org,After,other,FR\r\n"
            + "bad@example.org,Bad,other,XX\r\n"
        let summary = try fixture.register(csv)
        #expect(summary.created == 5)
        #expect(summary.rejectLines == ["9 invalid-value"], "line numbers count the line breaks inside quotes")
        #expect(try fixture.user("quoted@example.org")?.name == "Plain")
        #expect(try fixture.user("doubled@example.org")?.name == "She said \"hi\"")
        #expect(try fixture.user("comma@example.org")?.name == "Smith, John")
        #expect(try fixture.user("comma@example.org")?.country == nil)
        #expect(try fixture.user("newline@example.org")?.name == "Line one\r\nline two\nline three")
        #expect(try fixture.user("after@example.org")?.country == CountryCode("FR"))
    }

    @Test("A UTF-8 byte order mark before the header is skipped", arguments: StoreKind.allCases)
    func byteOrderMark(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(bytes: [0xEF, 0xBB, 0xBF] + Array((Self.header + "\nbom@example.org,Bom,other,AT\n").utf8))
        #expect(summary.created == 1)
        #expect(summary.rejected == 0)
        #expect(try fixture.user("bom@example.org")?.name == "Bom")
    }

    @Test(
        "CRLF, LF and lone CR line ends mixed in one file, with and without a final line end", arguments: StoreKind.allCases,
        ["", "\n", "\r\n", "\r"])
    func mixedLineEndings(_ store: StoreKind, final: String) throws {
        let fixture = try RegistrationFixture(store)
        let csv =
            Self.header + "\r\na@example.org,A,other,AT\nb@example.org,B,other,AT\rc@example.org,C,other,AT\r\nd@example.org,D,other,XX"
            + final
        let summary = try fixture.register(csv)
        #expect(summary.rows == 4)
        #expect(summary.created == 3)
        #expect(summary.rejectLines == ["5 invalid-value"])
        #expect(try fixture.user("c@example.org")?.name == "C")
    }

    @Test("Rows with more or fewer fields than the header are rejected as ragged, the others applied", arguments: StoreKind.allCases)
    func raggedRows(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let csv = Self.header + "\nshort@example.org,Short\nok@example.org,Ok,other,AT\nlong@example.org,Long,other,AT,extra\n"
        let summary = try fixture.register(csv)
        #expect(summary.created == 1)
        #expect(summary.rejectLines == ["2 ragged-row", "4 ragged-row"])
        #expect(summary.firstRejects.first?.message == "the row has 2 fields, the header 4")
        #expect(try fixture.user("short@example.org") == nil)
    }

    @Test("A quote left open at the end of the file rejects that last record only", arguments: StoreKind.allCases)
    func unclosedQuoteAtEnd(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let csv = Self.header + "\nfirst@example.org,First,other,AT\nopen@example.org,\"Never closed,other,AT\nmore text\n"
        let summary = try fixture.register(csv)
        #expect(summary.created == 1)
        #expect(summary.rejectLines == ["3 unclosed-quote"])
        #expect(summary.firstRejects.first?.message == "quoted field opened on line 3 is not closed at end of input")
    }

    @Test("Invalid UTF-8 and NUL bytes reject their rows and name the column", arguments: StoreKind.allCases)
    func invalidBytes(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        var bytes = Array((Self.header + "\nlatin1@example.org,M").utf8) + [0xFC] + Array("ller,other,DE\n".utf8)
        bytes += Array("nul@example.org,N".utf8) + [0x00] + Array("ul,other,AT\n".utf8)
        bytes += Array("fine@example.org,Fine,other,AT\n".utf8)
        let summary = try fixture.register(bytes: bytes)
        #expect(summary.created == 1)
        #expect(summary.rejectLines == ["2 invalid-encoding", "3 nul-byte"])
        #expect(summary.firstRejects.map(\.column) == ["name", "name"])
    }

    @Test("An empty file is an error: there is no header to check", arguments: StoreKind.allCases)
    func emptyFile(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        #expect {
            try fixture.register("")
        } throws: { error in
            (error as? AdmitError)?.description.contains("the input is empty") == true
        }
        #expect(try fixture.auditKinds()["import.started"] == nil)
    }

    @Test("A header without rows is a complete, empty import", arguments: StoreKind.allCases)
    func headerOnly(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        let summary = try fixture.register(Self.header + "\r\n")
        #expect(summary.rows == 0)
        #expect(summary.isComplete)
        #expect(summary.committed)
        let batch = try #require(summary.batch)
        #expect(try fixture.importBatch(batch)?["status"] == "completed")
    }

    @Test(
        "Unknown, repeated, unnamed and missing columns are all reported before anything is written",
        arguments: [
            ("emal,name", ["1:1: error: unknown column 'emal'; did you mean 'email'?", "error: the header has no 'email' column"]),
            ("email,Email", ["users.csv:1:2: column 'email' appears twice (columns 1 and 2)"]),
            ("email,,name,shoe size", ["1:2: error: column 2 has no name", "1:4: error: unknown column 'shoe size'"]),
        ])
    func badHeaders(header: String, expected: [String]) throws {
        let fixture = try RegistrationFixture()
        let before = try fixture.userRows()
        var message = ""
        #expect {
            try fixture.register(header + "\nx@example.org,X\n")
        } throws: { error in
            message = (error as? AdmitError)?.description ?? ""
            return error is AdmitError
        }
        for part in expected { #expect(message.contains(part), "\(message)") }
        #expect(try fixture.userRows() == before)
        #expect(try fixture.auditKinds()["import.started"] == nil)
    }

    @Test("A 10 MB field rejects its row without being kept; the rows around it are applied", arguments: StoreKind.allCases)
    func tenMegabyteField(_ store: StoreKind) throws {
        let fixture = try RegistrationFixture(store)
        var bytes = Array((Self.header + "\nbefore@example.org,Before,other,AT\nhuge@example.org,\"").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        bytes += Array("\",other,AT\nafter@example.org,After,other,AT\n".utf8)
        let summary = try fixture.register(bytes: bytes, rejects: fixture.directory.file("rejects.csv"), chunk: nil)
        #expect(summary.created == 2)
        #expect(summary.rejectLines == ["3 field-too-large"])
        #expect(summary.firstRejects.first?.column == "name")
        let rejects = try fixture.directory.read("rejects.csv")
        #expect(rejects.utf8.count < 1000, "the oversized field is not copied into the rejects file")
    }
}
