import Foundation

/// The service's settings, read from the environment (an `EnvironmentFile` under systemd). A wrong value
/// stops the service at start with a message naming the variable, rather than failing on first use.
struct ServiceSettings {
    var home: String
    var configs: String
    var adminKeyHash: [UInt8]?
    var authCacheTTL: Int
    var runConcurrency: Int
    var runStaleAfter: Int
    var reaperInterval: Int

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        home = environment["TALLY_HOME"] ?? ".tally"
        configs = environment["TALLY_CONFIGS"] ?? "configs"
        guard FileManager.default.fileExists(atPath: configs + "/customer/onboarding-template.yml") else {
            throw SettingsError(
                "TALLY_CONFIGS=\(configs) does not hold Tally's configs (customer/onboarding-template.yml)")
        }
        if let hex = environment["TALLY_ADMIN_KEY_SHA256"], !hex.isEmpty {
            guard hex.utf8.count == 64, let bytes = Self.hexBytes(hex) else {
                throw SettingsError("TALLY_ADMIN_KEY_SHA256 must be 64 hex characters (SHA-256 of the admin key)")
            }
            adminKeyHash = bytes
        }
        authCacheTTL = try Self.integer("TALLY_AUTH_CACHE_TTL_SECONDS", environment, default: 30, range: 1...3600)
        runConcurrency = try Self.integer("TALLY_RUN_CONCURRENCY", environment, default: 2, range: 1...64)
        runStaleAfter = try Self.integer("TALLY_RUN_STALE_SECONDS", environment, default: 60, range: 2...86_400)
        reaperInterval = try Self.integer("TALLY_REAPER_INTERVAL_SECONDS", environment, default: 15, range: 1...3600)
    }

    var keyringPath: String { home + "/keyring.json" }
    var warehouseRoot: String { home + "/warehouse" }

    private static func integer(
        _ name: String, _ environment: [String: String], default value: Int, range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw SettingsError("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func hexBytes(_ hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// A setting is missing or wrong; the message names it.
struct SettingsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
