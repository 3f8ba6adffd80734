internal import CLibCrypto

/// The only code in TallyCrypto that touches libcrypto or unsafe pointers; every other file is safe Swift over it.
///
/// Callers validate sizes before calling in. Every failure path clears OpenSSL's thread-local error queue so a
/// stale error never surfaces in an unrelated later call on the same thread.
enum LibCrypto {
    /// Fetched once: the implicit lookup behind `EVP_sha256()` queries the provider store on every call.
    nonisolated(unsafe) private static let sha256Digest: OpaquePointer = {
        guard let digest = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("libcrypto provides no SHA256") }
        return digest
    }()

    nonisolated(unsafe) private static let aes256GCM: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            fatalError("libcrypto provides no AES-256-GCM")
        }
        return cipher
    }()

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = EVP_Digest(bytes, bytes.count, &digest, nil, sha256Digest, nil)
        precondition(status == 1, "EVP_Digest(SHA256) failed")
        return digest
    }

    /// Compares equal-length buffers in time independent of their contents.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else {
            _ = CRYPTO_memcmp(a, a, a.count)  // Same work as a real comparison; only the length is revealed.
            return false
        }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }

    static func randomBytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard let length = Int32(exactly: count) else { throw .inputTooLarge }
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, length) == 1 else {
            ERR_clear_error()
            throw .randomUnavailable
        }
        return bytes
    }

    static func aesGCMSeal(
        plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]
    ) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        let context = try CipherContext()
        try check(EVP_EncryptInit_ex2(context.pointer, aes256GCM, key, nonce, nil), "EVP_EncryptInit_ex2")
        var length: Int32 = 0
        if !aad.isEmpty {
            try check(EVP_EncryptUpdate(context.pointer, nil, &length, aad, try int32(aad.count)), "EVP_EncryptUpdate")
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        if !plaintext.isEmpty {
            let count = try int32(plaintext.count)
            try check(EVP_EncryptUpdate(context.pointer, &ciphertext, &length, plaintext, count), "EVP_EncryptUpdate")
        }
        var trailer = [UInt8](repeating: 0, count: 16)  // GCM is a stream mode: final emits nothing.
        try check(EVP_EncryptFinal_ex(context.pointer, &trailer, &length), "EVP_EncryptFinal_ex")
        var tag = [UInt8](repeating: 0, count: 16)
        try check(EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, 16, &tag), "EVP_CTRL_GCM_GET_TAG")
        return (ciphertext, tag)
    }

    static func aesGCMOpen(
        ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        let context = try CipherContext()
        try check(EVP_DecryptInit_ex2(context.pointer, aes256GCM, key, nonce, nil), "EVP_DecryptInit_ex2")
        var expectedTag = tag
        try check(EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, 16, &expectedTag), "EVP_CTRL_GCM_SET_TAG")
        var length: Int32 = 0
        if !aad.isEmpty {
            try check(EVP_DecryptUpdate(context.pointer, nil, &length, aad, try int32(aad.count)), "EVP_DecryptUpdate")
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        if !ciphertext.isEmpty {
            let count = try int32(ciphertext.count)
            try check(EVP_DecryptUpdate(context.pointer, &plaintext, &length, ciphertext, count), "EVP_DecryptUpdate")
        }
        var trailer = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context.pointer, &trailer, &length) == 1 else {
            let count = plaintext.count
            OPENSSL_cleanse(&plaintext, count)  // Never let unauthenticated plaintext linger.
            ERR_clear_error()
            throw .authenticationFailed
        }
        return plaintext
    }

    /// Parses a PEM private key (PKCS#8 or PKCS#1), refusing encrypted keys instead of prompting on a terminal.
    static func rsaPrivateKey(pem: String) throws(CryptoError) -> PrivateKey {
        var pemBytes = Array(pem.utf8)
        let byteCount = pemBytes.count
        defer { OPENSSL_cleanse(&pemBytes, byteCount) }
        guard let count = Int32(exactly: byteCount) else { throw .inputTooLarge }
        let key: OpaquePointer? = pemBytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, count) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let key else {
            ERR_clear_error()
            throw .invalidPrivateKey("not an unencrypted PEM private key")
        }
        let handle = PrivateKey(key)
        guard EVP_PKEY_is_a(key, "RSA") == 1 else { throw .invalidPrivateKey("not an RSA key") }
        guard EVP_PKEY_get_bits(key) >= 2048 else { throw .invalidPrivateKey("RSA key shorter than 2048 bits") }
        return handle
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`); OpenSSL's default padding for RSA signing.
    static func signRS256(_ message: [UInt8], with key: PrivateKey) throws(CryptoError) -> [UInt8] {
        let context = try DigestContext()
        try check(EVP_DigestSignInit(context.pointer, nil, sha256Digest, nil, key.pointer), "EVP_DigestSignInit")
        var signature = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(key.pointer)))
        var length = signature.count
        try check(EVP_DigestSign(context.pointer, &signature, &length, message, message.count), "EVP_DigestSign")
        return Array(signature.prefix(length))
    }

    static func verifyRS256(_ signature: [UInt8], for message: [UInt8], with key: PrivateKey) -> Bool {
        guard let context = try? DigestContext(),
            EVP_DigestVerifyInit(context.pointer, nil, sha256Digest, nil, key.pointer) == 1
        else {
            ERR_clear_error()
            return false
        }
        let valid = EVP_DigestVerify(context.pointer, signature, signature.count, message, message.count) == 1
        ERR_clear_error()
        return valid
    }

    /// An `EVP_PKEY`. It is never mutated after loading, and OpenSSL allows concurrent signing with one key.
    final class PrivateKey: @unchecked Sendable {
        fileprivate let pointer: OpaquePointer

        fileprivate init(_ pointer: OpaquePointer) { self.pointer = pointer }

        deinit { EVP_PKEY_free(pointer) }
    }

    private final class CipherContext {
        let pointer: OpaquePointer

        init() throws(CryptoError) {
            guard let pointer = EVP_CIPHER_CTX_new() else { throw LibCrypto.failure("EVP_CIPHER_CTX_new") }
            self.pointer = pointer
        }

        deinit { EVP_CIPHER_CTX_free(pointer) }  // Also wipes the expanded key schedule.
    }

    private final class DigestContext {
        let pointer: OpaquePointer

        init() throws(CryptoError) {
            guard let pointer = EVP_MD_CTX_new() else { throw LibCrypto.failure("EVP_MD_CTX_new") }
            self.pointer = pointer
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private static func check(_ status: Int32, _ operation: String) throws(CryptoError) {
        guard status == 1 else { throw failure(operation) }
    }

    private static func int32(_ count: Int) throws(CryptoError) -> Int32 {
        guard let value = Int32(exactly: count) else { throw .inputTooLarge }
        return value
    }

    private static func failure(_ operation: String) -> CryptoError {
        ERR_clear_error()
        return .operationFailed(operation)
    }
}
