import TallyGoogleAuth

/// How Cloud KMS failures become `KMSError`s, per Google's guidance for each status.
///
/// Transient trouble is `.unavailable` (retry later; the API answers 503 and stores nothing). A refused decrypt is
/// `.decryptionFailed`: KMS cannot tell a wrong AAD from a corrupt ciphertext, and neither can we. A missing key and
/// a refusal (IAM, bad request) name the key and are not worth retrying.
enum CloudKMSErrorMapping {
    static func kmsError(_ error: GoogleAPIClientError, verb: String, keyName: String) -> KMSError {
        switch error {
        case .credentials(let error):
            return .unavailable("no access token for Cloud KMS: \(error)")
        case .transport(let error):
            return .unavailable("Cloud KMS \(verb) failed: \(error)")
        case .malformedResponse(let what), .invalidRequest(let what):
            return .unavailable("Cloud KMS \(verb) failed: \(what)")
        case .api(let error):
            return apiError(error, verb: verb, keyName: keyName)
        }
    }

    private static func apiError(_ error: GoogleAPIError, verb: String, keyName: String) -> KMSError {
        switch error.code {
        case 400 where verb == "decrypt" && (error.status ?? "INVALID_ARGUMENT") == "INVALID_ARGUMENT":
            return .decryptionFailed
        case 401:
            // Already retried once with a fresh token; the token service hands out tokens KMS does not accept.
            return .unavailable("Cloud KMS rejected a freshly fetched access token (HTTP 401)")
        case 404:
            return .keyringMissing(path: keyName)
        case 408, 429, 500...599:
            return .unavailable("Cloud KMS \(verb) failed: \(error)")
        default:
            return .keyringUnreadable(path: keyName, reason: "Cloud KMS refused \(verb): \(error)")
        }
    }
}
