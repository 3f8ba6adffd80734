import TallyGoogleAuth
import TallyHTTPClient
import TallyKMS

/// A running double with one key ring and one ENCRYPT_DECRYPT key, created over REST as an operator would, and
/// metadata-server tokens for it. `stop()` kills the double.
struct KMSFixture {
    static let keyName = "projects/tally-test/locations/europe-west1/keyRings/tally/cryptoKeys/tenant-secrets"

    let double: GoogleDouble
    let tokens: CachedTokenSource

    init() throws {
        double = try GoogleDouble()
        tokens = try metadataTokens(double)
        let api = GoogleAPIClient(tokens: tokens, http: double.client, retry: fastRetry)
        let location = double.url("/v1/projects/tally-test/locations/europe-west1")
        _ = try api.sendJSON(
            url: location + "/keyRings?keyRingId=tally", body: [String: String](), idempotent: false,
            as: IgnoredBody.self)
        _ = try api.sendJSON(
            url: location + "/keyRings/tally/cryptoKeys?cryptoKeyId=tenant-secrets",
            body: ["purpose": "ENCRYPT_DECRYPT"], idempotent: false, as: IgnoredBody.self)
    }

    func stop() {
        double.stop()
    }

    /// A `CloudKMS` on the fixture's key (or `keyName`), talking to the double (or `endpoint`).
    func kms(
        keyName: String = KMSFixture.keyName,
        endpoint: String? = nil,
        tokens: (any TokenSource)? = nil
    ) throws -> CloudKMS {
        try CloudKMS(
            keyName: keyName, endpoint: endpoint ?? double.baseURL, tokens: tokens ?? self.tokens,
            client: double.client, retry: fastRetry)
    }

    /// Bodies of the KMS requests for `verb` (`"encrypt"`, `"decrypt"`) the double received.
    func bodies(_ verb: String) throws -> [String] {
        try double.requests(endingWith: ":" + verb).map(\.body)
    }
}

/// Any JSON answer, contents ignored.
struct IgnoredBody: Decodable {
    init(from decoder: any Decoder) throws {}
}
