import Foundation
import Logging

/// Logs go to stderr (journald under systemd), never to FastCGI's error stream, which nginx would mix into
/// its own error log.
enum ServiceLogging {
    static func logger(instance: String) -> Logger {
        let level = ProcessInfo.processInfo.environment["TALLY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        var logger = Logger(label: "tally") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level ?? .info
        logger[metadataKey: "instance"] = "\(instance)"
        return logger
    }
}
