import Foundation
import TallyWarehouse

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
    /// `sqlite` (one database file per tenant under `TALLY_HOME`) or `bigquery`.
    var warehouse: String
    var bigQueryProject: String?
    var bigQueryLocation: String
    var bigQueryBaseURL: String
    var maximumBytesBilled: Int64?
    /// `local` (the AES-256-GCM keyring in `TALLY_HOME`) or `gcp` (Cloud KMS).
    var kms: String
    var kmsKey: String?
    var kmsEndpoint: String

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
        warehouse = environment["TALLY_WAREHOUSE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
        guard ["sqlite", "bigquery"].contains(warehouse) else {
            throw SettingsError("TALLY_WAREHOUSE must be sqlite or bigquery, not '\(warehouse)'")
        }
        bigQueryProject = environment["TALLY_BQ_PROJECT"].flatMap { $0.isEmpty ? nil : $0 }
        bigQueryLocation = environment["TALLY_BQ_LOCATION"].flatMap { $0.isEmpty ? nil : $0 } ?? "US"
        bigQueryBaseURL = BigQueryEndpoint.baseURL(environment: environment)
        if warehouse == "bigquery", bigQueryProject == nil {
            throw SettingsError("TALLY_WAREHOUSE=bigquery needs TALLY_BQ_PROJECT (the project holding tenant datasets)")
        }
        if let text = environment["TALLY_BQ_MAX_BYTES_BILLED"], !text.isEmpty {
            guard let bytes = Int64(text), bytes > 0 else {
                throw SettingsError("TALLY_BQ_MAX_BYTES_BILLED must be a positive number of bytes")
            }
            maximumBytesBilled = bytes
        }
        kms = environment["TALLY_KMS"].flatMap { $0.isEmpty ? nil : $0 } ?? "local"
        guard ["local", "gcp"].contains(kms) else {
            throw SettingsError("TALLY_KMS must be local or gcp, not '\(kms)'")
        }
        kmsKey = environment["TALLY_KMS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if kms == "gcp", kmsKey == nil {
            throw SettingsError("TALLY_KMS=gcp needs TALLY_KMS_KEY (projects/…/locations/…/keyRings/…/cryptoKeys/…)")
        }
        kmsEndpoint =
            environment["TALLY_KMS_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://cloudkms.googleapis.com"
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
