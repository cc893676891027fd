import Foundation
import NIOSSL

/// The certificate chain and private key `admit serve --listen` speaks TLS with
/// (`--tls-cert`, `--tls-key`, both PEM).
public struct TLSFiles: Sendable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The server context, read once at start; every problem names the file.
    func makeContext() throws(ServiceError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw .configuration("\(certificatePath): cannot read the TLS certificate (\(error)); give a PEM file")
        }
        guard !chain.isEmpty else { throw .configuration("\(certificatePath): no certificate in the file; give a PEM file") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw .configuration("\(keyPath): cannot read the TLS private key (\(error)); give an unencrypted PEM key")
        }
        try Self.checkPrivate(keyPath, what: "TLS private key")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw .configuration("\(certificatePath), \(keyPath): the certificate and key do not make a TLS context (\(error))")
        }
    }

    /// Refuses a secret file that others than its owner may read or write, as ssh does with keys.
    static func checkPrivate(_ path: String, what: String) throws(ServiceError) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }  // reading it reports the problem
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw .configuration(
                "\(path): the \(what) may be read by others (mode \(String(mode, radix: 8))); make it private: chmod 600 \(path)")
        }
    }
}
