import TallyCrypto
import TallyGoogleAuth
import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `KeyManagement` backed by one Cloud KMS symmetric CryptoKey, over REST.
///
/// Every request and response is checked with CRC32C as Google recommends; a response failing the check is
/// discarded and the call repeated once. Ciphertexts are Cloud KMS's own and opaque: they name their key version,
/// so rotation needs nothing from Tally. Errors map onto `KMSError`: anything transient (network, timeouts, 429,
/// 5xx, no token, integrity failures) is `.unavailable`, so callers answer 503 and store nothing; a wrong key,
/// AAD or tampered ciphertext is `.decryptionFailed`; a missing key is `.keyringMissing` and a refusal (403, bad
/// request) `.keyringUnreadable`, both naming the key, neither worth retrying.
public struct CloudKMS: KeyManagement, CustomStringConvertible {
    /// `projects/{p}/locations/{l}/keyRings/{r}/cryptoKeys/{k}`.
    public let keyName: String
    /// Base URL without a trailing slash, e.g. `https://cloudkms.googleapis.com` or a local double.
    public let endpoint: String
    private let api: GoogleAPIClient

    /// Throws `KMSError.keyringUnreadable` for a malformed key name or an endpoint that would expose tokens (plain
    /// HTTP is allowed for loopback only).
    public init(
        keyName: String,
        endpoint: String = "https://cloudkms.googleapis.com",
        tokens: any TokenSource,
        client: HTTPClient,
        retry: RetryPolicy = RetryPolicy()
    ) throws(KMSError) {
        guard Self.isCryptoKeyName(keyName) else {
            throw .keyringUnreadable(path: keyName, reason: "not a CryptoKey name (projects/…/cryptoKeys/…)")
        }
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        guard EndpointSecurity.allowsCredentials(to: base) else {
            throw .keyringUnreadable(path: keyName, reason: "endpoint must be https (plain http only for loopback)")
        }
        self.keyName = keyName
        self.endpoint = base
        api = GoogleAPIClient(tokens: tokens, http: client, retry: retry)
    }

    public func encrypt(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let request = CloudKMSMessages.EncryptRequest(
            plaintext: Self.base64(plaintext), additionalAuthenticatedData: Self.optionalBase64(aad),
            plaintextCrc32c: Self.crc(plaintext), additionalAuthenticatedDataCrc32c: Self.optionalCRC(aad))
        return try withIntegrityRetry { () throws(KMSError) -> [UInt8]? in
            guard let response = try call("encrypt", request, as: CloudKMSMessages.EncryptResponse.self),
                response.verifiedPlaintextCrc32c == true,
                aad.isEmpty || response.verifiedAdditionalAuthenticatedDataCrc32c == true,
                response.name?.hasPrefix(keyName + "/cryptoKeyVersions/") ?? false,
                let ciphertext = response.ciphertext.flatMap(Self.bytes),
                response.ciphertextCrc32c?.value == CRC32C.checksum(ciphertext)
            else { return nil }
            return ciphertext
        }
    }

    public func decrypt(_ ciphertext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let request = CloudKMSMessages.DecryptRequest(
            ciphertext: Self.base64(ciphertext), additionalAuthenticatedData: Self.optionalBase64(aad),
            ciphertextCrc32c: Self.crc(ciphertext), additionalAuthenticatedDataCrc32c: Self.optionalCRC(aad))
        return try withIntegrityRetry { () throws(KMSError) -> [UInt8]? in
            // proto3 JSON leaves out empty bytes, so a missing plaintext is an empty one; its checksum is required.
            guard let response = try call("decrypt", request, as: CloudKMSMessages.DecryptResponse.self),
                let plaintext = Self.bytes(response.plaintext ?? ""),
                response.plaintextCrc32c?.value == CRC32C.checksum(plaintext)
            else { return nil }
            return plaintext
        }
    }

    public var description: String {
        "CloudKMS(\(keyName))"
    }

    /// Runs `attempt` at most twice while it reports a corrupted answer (nil), as Google advises: a persistent
    /// mismatch is not transit noise, and a worker thread must not spin on it.
    private func withIntegrityRetry(_ attempt: () throws(KMSError) -> [UInt8]?) throws(KMSError) -> [UInt8] {
        for _ in 0..<2 {
            if let result = try attempt() { return result }
        }
        throw .unavailable("Cloud KMS answers for \(keyName) failed their CRC32C integrity check twice")
    }

    /// POSTs to `{endpoint}/v1/{keyName}:{verb}`. A checksum mismatch KMS reports for our request (400 naming a
    /// checksum) is treated like a corrupted response: nil, so the caller retries once.
    private func call<Request: Encodable, Response: Decodable>(
        _ verb: String,
        _ request: Request,
        as type: Response.Type
    ) throws(KMSError) -> Response? {
        do {
            // Encrypt and decrypt change nothing on the server, so repeating them is safe.
            return try api.sendJSON(url: "\(endpoint)/v1/\(keyName):\(verb)", body: request, idempotent: true)
        } catch {
            if case .api(let apiError) = error, Self.isChecksumMismatch(apiError) { return nil }
            throw CloudKMSErrorMapping.kmsError(error, verb: verb, keyName: keyName)
        }
    }

    static func isCryptoKeyName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[0] == "projects", parts[2] == "locations", parts[4] == "keyRings",
            parts[6] == "cryptoKeys"
        else { return false }
        return [1, 3, 5, 7].allSatisfy { index in
            let part = parts[index]
            // "." and ".." would be folded away by URL normalization, addressing another resource.
            return !part.isEmpty && part.count <= 128 && part != "." && part != ".."
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
        }
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Standard base64 as KMS sends it; the URL-safe alphabet is accepted too, as Google's JSON parsers do.
    private static func bytes(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map(Array.init) ?? Base64URL.decode(text)
    }

    private static func crc(_ bytes: [UInt8]) -> String {
        String(CRC32C.checksum(bytes))
    }

    /// Empty AAD is sent as no AAD, which KMS treats the same.
    private static func optionalBase64(_ bytes: [UInt8]) -> String? {
        bytes.isEmpty ? nil : base64(bytes)
    }

    private static func optionalCRC(_ bytes: [UInt8]) -> String? {
        bytes.isEmpty ? nil : crc(bytes)
    }

    /// KMS found our request corrupted in transit: "The checksum in field … did not match the data in field …".
    private static func isChecksumMismatch(_ error: GoogleAPIError) -> Bool {
        error.code == 400 && error.message.lowercased().contains("checksum")
    }
}
