import Foundation

/// Paths found from this file's location, so tests work from any working directory.
enum RepositoryPaths {
    /// The repository root: this file is `<root>/Tests/TallyGoogleAuthTests/RepositoryPaths.swift`.
    static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path(percentEncoded: false).trimmingSuffix("/")

    /// The Cloud KMS discovery document, shared reference material outside the repository; may be absent.
    static let kmsDiscoveryDocument = root + "/../shared/reference/google/cloudkms-v1-discovery.json"
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
