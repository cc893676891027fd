import AdmitJSON
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import AdmitService

/// TCP with TLS: a certificate made for the test by `openssl`, a real TLS client, and a client
/// that speaks plain text to the TLS port.
@Suite(.serialized) struct TLSTests {
    /// A self-signed certificate for 127.0.0.1 and localhost, and its key (mode 600), in a new folder.
    static func certificate() throws -> (files: TLSFiles, certificate: NIOSSLCertificate) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("admit-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cert = folder + "/cert.pem"
        let key = folder + "/key.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        // The TLS tests need openssl (.ci/run installs it): without it they fail, never skip.
        guard openssl.terminationStatus == 0 else { throw ClientError("openssl req failed (status \(openssl.terminationStatus))") }
        chmod(key, 0o600)
        return (TLSFiles(certificatePath: cert, keyPath: key), try NIOSSLCertificate.fromPEMFile(cert)[0])
    }

    /// Sends `line` over TLS to 127.0.0.1:`port`, trusting only `certificate`; returns the first reply line.
    static func tlsCall(port: Int, trusting certificate: NIOSSLCertificate, _ line: String) async throws -> String {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([certificate])
        let context = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let reply = group.next().makePromise(of: String.self)
            let channel = try await ClientBootstrap(group: group).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(FirstLine(promise: reply))
                }
            }.connect(host: "127.0.0.1", port: port).get()
            try await channel.writeAndFlush(channel.allocator.buffer(string: line + "\n")).get()
            let text = try await reply.futureResult.get()
            try? await channel.close()
            try await group.shutdownGracefully()
            return text
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Fulfils its promise with the first line read.
    final class FirstLine: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<String>
        var text = ""
        init(promise: EventLoopPromise<String>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            text += String(buffer: unwrapInboundIn(data))
            if let newline = text.firstIndex(of: "\n") { promise.succeed(String(text[..<newline])) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { promise.fail(error) }
        func channelInactive(context: ChannelHandlerContext) { promise.fail(ClientError("closed before a line")) }
    }

    @Test func aTLSClientIsServedAndAPlainTextClientIsClosedWithoutHarm() async throws {
        let (files, certificate) = try Self.certificate()
        try await TCPServiceTests().withServer(ServiceWorkspace(), tls: files) { port, _ in
            let pong = try JSONParser.parse(try await Self.tlsCall(port: port, trusting: certificate, request("ping", id: 1)))
            #expect(pong.result == "pong")
            // Plain text to the TLS port: the handshake fails, the connection closes, nothing is answered.
            let garbage = try await onThread { () -> [String] in
                let client = try LineClient(port: port)
                try client.send(request("ping", id: 2) + "\n")
                return try client.readToEnd()
            }
            #expect(!garbage.joined().contains("jsonrpc"))
            let check = try JSONParser.parse(try await Self.tlsCall(port: port, trusting: certificate, checkRequest(id: 3)))
            #expect(check.result?["decision"] == "allow", "the service goes on after the plain-text client")
        }
    }

    @Test func aClientThatDoesNotTrustTheCertificateIsRefusedByTheHandshake() async throws {
        let (files, _) = try Self.certificate()
        let (_, other) = try Self.certificate()
        try await TCPServiceTests().withServer(ServiceWorkspace(), tls: files) { port, _ in
            await #expect(throws: (any Error).self) { try await Self.tlsCall(port: port, trusting: other, request("ping", id: 1)) }
        }
    }

    @Test func badTLSFilesAndAKeyOthersMayReadAreRefusedAtStart() throws {
        let (files, _) = try Self.certificate()
        chmod(files.keyPath, 0o640)
        #expect(throws: ServiceError.self) { try files.makeContext() }
        chmod(files.keyPath, 0o600)
        _ = try files.makeContext()
        #expect(throws: ServiceError.self) { try TLSFiles(certificatePath: files.keyPath, keyPath: files.keyPath).makeContext() }
        #expect(throws: ServiceError.self) { try TLSFiles(certificatePath: files.certificatePath, keyPath: "/no/such/key").makeContext() }
        let insecure = ServiceConfiguration(listen: ListenAddress(host: "0.0.0.0", port: 0), token: try BearerToken(testToken))
        #expect(throws: ServiceError.self) { try insecure.validate() }
        var accepted = insecure
        accepted.insecure = true
        try accepted.validate()
        accepted.tls = files
        accepted.insecure = false
        try accepted.validate()
    }
}
