/// The JSON bodies of Cloud KMS `cryptoKeys.encrypt` and `cryptoKeys.decrypt` (discovery document schemas
/// `EncryptRequest`, `EncryptResponse`, `DecryptRequest`, `DecryptResponse`).
///
/// Bytes are base64 strings and CRC32C values int64 decimal strings, as the API's JSON mapping requires. Nil
/// fields are left out. These carry plaintext, so they have no descriptions and never reach a log.
enum CloudKMSMessages {
    struct EncryptRequest: Encodable {
        var plaintext: String
        var additionalAuthenticatedData: String?
        var plaintextCrc32c: String
        var additionalAuthenticatedDataCrc32c: String?
    }

    struct EncryptResponse: Decodable {
        /// The CryptoKeyVersion that encrypted, e.g. `…/cryptoKeys/k/cryptoKeyVersions/3`.
        var name: String?
        var ciphertext: String?
        var ciphertextCrc32c: Checksum?
        var verifiedPlaintextCrc32c: Bool?
        var verifiedAdditionalAuthenticatedDataCrc32c: Bool?
    }

    struct DecryptRequest: Encodable {
        var ciphertext: String
        var additionalAuthenticatedData: String?
        var ciphertextCrc32c: String
        var additionalAuthenticatedDataCrc32c: String?
    }

    struct DecryptResponse: Decodable {
        var plaintext: String?
        var plaintextCrc32c: Checksum?
    }

    /// An int64 field: a decimal string per the JSON mapping, though a number is accepted too.
    struct Checksum: Decodable, Equatable {
        var value: UInt32?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                value = UInt32(text)
            } else {
                value = try? container.decode(UInt32.self)
            }
        }
    }
}
