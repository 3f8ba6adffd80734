import Foundation

/// Paths found from this file's location, so tests work from any working directory.
enum RepositoryPaths {
    /// This file is `<root>/Tests/TallyBigQueryTests/Support/RepositoryPaths.swift`.
    static let root: String = {
        var url = URL(filePath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let path = url.path(percentEncoded: false)
        return path.hasSuffix("/") ? String(path.dropLast()) : path
    }()

    /// shared/ beside the repository (reference material, not part of it); may be absent.
    static let shared = ProcessInfo.processInfo.environment["TALLY_SHARED"] ?? root + "/../shared"

    static let discoveryDocument = shared + "/reference/google/bigquery-v2-discovery.json"
    static let script = root + "/scripts/local-bigquery.sh"
}
