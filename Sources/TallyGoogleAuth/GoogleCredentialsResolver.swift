import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Picks Tally's own Google identity the way Google's client libraries do ("application default credentials"):
/// the service-account key file named by `GOOGLE_APPLICATION_CREDENTIALS` when that is set, else the metadata
/// server (at `GCE_METADATA_HOST` when set). Either way the result is cached and refreshed by `CachedTokenSource`.
public struct GoogleCredentialsResolver: Sendable {
    public static let credentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS"
    public static let metadataHostVariable = "GCE_METADATA_HOST"

    public let environment: [String: String]
    public let client: HTTPClient
    public let refreshMargin: Duration

    /// `environment` is a parameter so tests need not touch the process environment.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        client: HTTPClient,
        refreshMargin: Duration = .seconds(300)
    ) {
        self.environment = environment
        self.client = client
        self.refreshMargin = refreshMargin
    }

    /// A cached token source for `scopes`. A set but empty, unreadable or invalid key file is an error naming the
    /// variable, never a silent fall-back to the metadata server: that would run Tally as another identity.
    public func tokenSource(scopes: [String]) throws(GoogleAuthError) -> CachedTokenSource {
        CachedTokenSource(try uncachedSource(scopes: scopes), refreshMargin: refreshMargin)
    }

    /// Which identity `tokenSource` would use, for the start-up log; never contains key material.
    public func describe() -> String {
        if let path = environment[Self.credentialsVariable] {
            return "service-account key file \(path) (\(Self.credentialsVariable))"
        }
        return "metadata server at \(environment[Self.metadataHostVariable] ?? MetadataTokenSource.defaultHost)"
    }

    func uncachedSource(scopes: [String]) throws(GoogleAuthError) -> any TokenSource {
        if let path = environment[Self.credentialsVariable] {
            guard !path.isEmpty else { throw .invalidCredentials("\(Self.credentialsVariable) is set but empty") }
            do {
                let credentials = try ServiceAccountCredentials(contentsOfFile: path)
                return try ServiceAccountTokenSource(credentials: credentials, scopes: scopes, client: client)
            } catch {
                throw .invalidCredentials("\(Self.credentialsVariable): \(Self.reason(error))")
            }
        }
        let host = environment[Self.metadataHostVariable] ?? MetadataTokenSource.defaultHost
        do {
            return try MetadataTokenSource(host: host, scopes: scopes, client: client)
        } catch {
            throw .invalidCredentials("\(Self.metadataHostVariable): \(Self.reason(error))")
        }
    }

    private static func reason(_ error: GoogleAuthError) -> String {
        switch error {
        case .invalidCredentials(let reason), .refused(let reason), .unavailable(let reason): reason
        }
    }
}
