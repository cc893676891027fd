import Admit
import Foundation
import Testing

@Suite struct AtomicFileTests {
    @Test func writesReplacesAndLeavesNoTemporaryFile() throws {
        let workspace = try Workspace()
        let path = workspace.directory + "/report.html"
        try AtomicFile.write(Array("one".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one")
        try AtomicFile.write(Array("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.directory) == ["report.html"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o600 } == 0o600)
    }

    @Test func aMissingFolderOrAFolderInTheWayFailsAndChangesNothing() throws {
        let workspace = try Workspace()
        #expect(throws: AdmitError.self) { try AtomicFile.write([1], to: workspace.directory + "/missing/report.html") }
        let folder = workspace.directory + "/taken"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder + "/inside"))
        do {
            try AtomicFile.write([1], to: folder)
            Issue.record("writing over a folder succeeded")
        } catch {
            #expect(error.description.contains("taken"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.directory) == ["taken"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["inside"])
        #expect(throws: AdmitError.self) { try AtomicFile.write([1], to: workspace.directory + "/") }
    }
}
