import AdmitCSV
import Foundation
import Testing

@Suite("FileByteSource")
struct FileByteSourceTests {
    /// Writes `bytes` to a new temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("admitcsv-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("reading a file gives the same rows as reading memory", arguments: [4, 64 << 10])
    func fileMatchesMemory(bufferSize: Int) throws {
        let input = Array(
            "\u{FEFF}email,name\r\nanna@example.org,\"Müller, Anna\"\nbad\"row\n".utf8)
        let path = try Self.temporaryFile(input)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = CSVOptions(readBufferSize: bufferSize)
        var reader = CSVReader(source: try FileByteSource(path: path), options: options)
        var rows: [CSVRow] = []
        while let row = try reader.next() { rows.append(row) }
        #expect(rows == (try readAll(input)))
        #expect(rows.count == 3)
        #expect(rows.last?.problem == .quoteInUnquotedField(field: 1))
    }

    @Test("a missing file is an open error with path and errno text")
    func missingFile() {
        let path = "/nonexistent-admitcsv/users.csv"
        let error = #expect(throws: CSVReadError.self) { try FileByteSource(path: path) }
        #expect(error?.operation == .open)
        #expect(error?.path == path)
        #expect(error?.errorNumber == ENOENT)
        #expect(error?.reason == "No such file or directory")
        #expect(error?.description == "\(path): error: cannot open: no such file or directory")
    }

    @Test("a directory is a read error")
    func directory() throws {
        let source = try FileByteSource(path: FileManager.default.temporaryDirectory.path)
        var reader = CSVReader(source: source)
        let error = #expect(throws: CSVReadError.self) { try reader.next() }
        #expect(error?.errorNumber == EISDIR)
        #expect(error?.operation == .read)
    }

    @Test("reading after close fails instead of reading another file")
    func readAfterClose() throws {
        let path = try Self.temporaryFile(Array("a\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try FileByteSource(path: path)
        source.close()
        var reader = CSVReader(source: source)
        let error = #expect(throws: CSVReadError.self) { try reader.next() }
        #expect(error?.errorNumber == EBADF)
    }

    @Test("a descriptor the caller owns is read and left open")
    func borrowedDescriptor() throws {
        let path = try Self.temporaryFile(Array("x,y\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        do {
            var reader = CSVReader(source: FileByteSource(descriptor: descriptor, path: path))
            #expect(try reader.next()?.fields == ["x", "y"])
        }
        #expect(fcntl(descriptor, F_GETFD) >= 0, "still open after the source is gone")
    }

    @Test("the path - names standard input, which closing leaves open")
    func standardInputPath() throws {
        let openBefore = fcntl(0, F_GETFD) >= 0
        let source = try FileByteSource(path: "-")
        #expect(source.path == "-")
        source.close()
        #expect((fcntl(0, F_GETFD) >= 0) == openBefore)
    }
}
