import ArgumentParser
import Foundation
import Logging
import TallyAPI
import TallyFastCGI
import TallyHTTP

/// `tally serve`: one FastCGI responder instance. nginx balances over several of them.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Answer FastCGI requests from nginx until SIGTERM.")

    @Option(help: "A unix socket path or 127.0.0.1:PORT; without it, the socket systemd passes (LISTEN_FDS).")
    var listen: String?

    @Option(help: "Worker threads; each owns one nginx connection at a time.")
    var workers: Int = 8

    @Option(help: "Largest request body accepted, in bytes (413 beyond).")
    var maxBodyBytes: Int = 1 << 20

    @Option(help: "Seconds in-flight requests get to finish after SIGTERM.")
    var shutdownTimeout: Int = 15

    @Option(help: "This instance's name, for logs and /health.")
    var instance: String = "1"

    func run() throws {
        let logger = ServiceLogging.logger(instance: instance)
        var address = ListenAddress.systemd
        if let listen {
            do {
                address = try ListenAddress(parsing: listen)
            } catch {
                throw ValidationError(error.message)
            }
        }
        guard workers >= 1, workers <= 512 else { throw ValidationError("--workers must be between 1 and 512") }
        guard maxBodyBytes >= 0 else { throw ValidationError("--max-body-bytes must not be negative") }

        let (application, onStop) = try ServiceBootstrap.makeApplication(instance: instance, logger: logger)
        let server = FastCGIServer(
            configuration: .init(
                listen: address, workers: workers, maxBodyBytes: maxBodyBytes,
                shutdownTimeout: .seconds(shutdownTimeout)),
            responder: application, logger: logger)
        do {
            let drained = try server.run()
            onStop()
            if !drained { throw ExitCode(1) }
        } catch let error as ListenError {
            logger.critical("cannot listen: \(error.message)")
            throw ExitCode(2)
        }
    }
}
