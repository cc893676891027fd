import Admit
import AdmitService
import ArgumentParser
import Logging
import ServiceLifecycle

/// `admit serve`: answer JSON-RPC 2.0 requests, one JSON object per line, over stdio or TCP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer JSON-RPC 2.0 requests, one per line, on standard input/output or over TCP.",
        discussion: """
            See Docs/service.md for the methods, error codes and framing. SIGTERM, SIGINT or the end of
            standard input stop it gracefully: what was read is answered, then it exits 0.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp("Listen on TCP instead of stdio (e.g. 127.0.0.1:7700; :PORT means 127.0.0.1).", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("File holding the bearer token that mutating methods need over TCP.", valueName: "path"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Speak TLS over TCP with this certificate chain (PEM); needs --tls-key.", valueName: "path"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("The private key of --tls-cert (PEM, readable by its owner only).", valueName: "path"))
    var tlsKey: String?

    @Flag(name: .long, help: "Listen on an address other than loopback without TLS (e.g. behind a proxy that does TLS).")
    var insecure = false

    @Option(name: .long, help: ArgumentHelp("Longest line accepted, in bytes.", valueName: "n"))
    var maxLineBytes: Int = ServiceLimits().maxLineBytes

    @Option(name: .long, help: ArgumentHelp("Most TCP clients served at once.", valueName: "n"))
    var maxConnections: Int = ServiceLimits().maxConnections

    @Option(name: .long, help: ArgumentHelp("Most TCP clients served at once from one address.", valueName: "n"))
    var maxConnectionsPerPeer: Int = ServiceLimits().maxConnectionsPerPeer

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Close a TCP client that completes no line for this many seconds (it gets an error line first).", valueName: "seconds"))
    var idleTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Most requests in one batch.", valueName: "n"))
    var maxBatch: Int = ServiceLimits().maxBatch

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Most audit rows audit.enrolments indexes before it reports (more: it refuses; index with `admit audit enrolments`).",
            valueName: "rows"))
    var maxReportCatchUp: Int64 = ServiceLimits().maxReportCatchUp

    @OptionGroup var store: StoreOptions

    private func tlsFiles() throws(ServiceError) -> TLSFiles? {
        switch (tlsCert, tlsKey) {
        case (nil, nil): return nil
        case (let cert?, let key?): return TLSFiles(certificatePath: cert, keyPath: key)
        case (nil, _?): throw .configuration("--tls-key needs --tls-cert")
        case (_?, nil): throw .configuration("--tls-cert needs --tls-key")
        }
    }

    func run() async throws {
        var logger = store.logger
        logger[metadataKey: "service"] = "admit"
        let configuration: ServiceConfiguration
        let admission: Admission
        do {
            configuration = ServiceConfiguration(
                listen: try listen.map { text throws(ServiceError) in try ListenAddress(parsing: text) },
                limits: ServiceLimits(
                    maxLineBytes: maxLineBytes, maxConnections: maxConnections, maxBatch: maxBatch, maxReportCatchUp: maxReportCatchUp,
                    maxConnectionsPerPeer: maxConnectionsPerPeer,
                    idleTimeout: idleTimeout.isFinite && idleTimeout < 1e9 ? .milliseconds(Int64(idleTimeout * 1000)) : .zero),
                token: try tokenFile.map { path throws(ServiceError) in try BearerToken(contentsOf: path) },
                tls: try tlsFiles(), insecure: insecure)
            try configuration.validate()
            admission = try store.open()
        } catch let error as ServiceError {
            Terminal.printError(error.description)
            throw ExitCode(2)
        } catch let error as AdmitError {
            Terminal.printError(error.description)
            throw ExitCode(2)
        }
        // PostgreSQL: this week's partitions of the decision log, if they are not made yet.
        do {
            if let made = try admission.makeDayPartitions()?.created, let first = made.first, let last = made.last {
                logger.notice("made the decision log's day partitions", metadata: ["days": "\(first)…\(last)"])
            }
        } catch {
            logger.warning("could not make the decision log's day partitions (admit audit partitions)", metadata: ["error": "\(error)"])
        }
        let service: any Service
        do {
            if let address = configuration.listen {
                let tcp = try TCPService(admission: admission, address: address, configuration: configuration, logger: logger)
                service = tcp
                // Say where, on standard error (standard output is not the service's here): with
                // port 0 this is the only way to learn the port.
                Task {
                    guard let local = try? await tcp.localAddress else { return }
                    Terminal.printNotice("listening on \(local)")
                }
            } else {
                service = try StdioService(admission: admission, configuration: configuration, logger: logger)
            }
        } catch {
            Terminal.printError(error.description)
            throw ExitCode(2)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            Terminal.printError("\(error)")
            throw ExitCode(2)
        }
    }
}
