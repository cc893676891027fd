import Foundation
import Testing

@Suite struct HTMLReportCLITests {
    @Test func enrolmentsAsHTMLToAFileOrToStandardOutput() throws {
        let cli = CLI()
        let path = cli.directory + "/report.html"
        let written = try cli.run(["audit", "enrolments", "--format", "html", "--output", path])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("data-days=\"13\""), "the seeded enrolments (11-09 … 11-12) widened to the free window's edges")
        #expect(html.contains("<code>free</code>"))
        #expect(html.contains("<span>2020-11-20</span><wbr><span>T23:00:00Z</span>"), "the window's end, in UTC too")
        let printed = try cli.run(["audit", "enrolments", "--format", "html"])
        #expect(printed.status == 0)
        #expect(printed.stdout == html, "the same page, byte for byte, on standard output")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test func decisionsAsHTMLCountEveryDecisionAndListTheLimit() throws {
        let cli = CLI()
        for at in ["2020-11-15T09:00:00Z", "2020-11-16T09:00:00Z", "2020-12-16T09:00:00Z"] {
            _ = try cli.run(["check", "--user", "ada@example.org", "--lecture", "idor-2020-07", "--at", at])
        }
        let path = cli.directory + "/decisions.html"
        let result = try cli.run(["audit", "decisions", "--format", "html", "--limit", "1", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("data-rows=\"1\""))
        #expect(html.contains("The newest 1 of 3 decisions"))
        #expect(html.contains("<tr data-code=\"no-permit\">"))
    }

    @Test func outputWorksForEveryFormatAndFailsCleanly() throws {
        let cli = CLI()
        for format in ["table", "csv", "json"] {
            let path = cli.directory + "/report.\(format)"
            let result = try cli.run(["audit", "enrolments", "--format", format, "--output", path])
            #expect(result.status == 0 && result.stdout.isEmpty, "\(format): \(result.stderr)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.utf8.last == 0x0A)
            #expect(text.contains("idor-2020"))
        }
        let json = try String(contentsOfFile: cli.directory + "/report.json", encoding: .utf8)
        #expect(json.filter { $0 == "\n" }.count == 1, "one line in a file")
        let missing = try cli.run(["audit", "decisions", "--output", cli.directory + "/no/such/folder/out.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: ") && missing.stderr.contains("no such file or directory"), "\(missing.stderr)")
    }
}
