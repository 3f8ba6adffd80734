import Synchronization
import TallyCrypto

/// A `KeyManagement` backed by a local JSON keyring of AES-256-GCM keys (see `KeyringDocument` for the file and
/// `Envelope` for the ciphertext format), for single-host deployments and development.
///
/// New encryptions use the primary key; every version in the file still decrypts, so `rotate` never strands data.
/// The file must be mode 0600 (or stricter) and is always written atomically. Keys stay in this object's memory,
/// never in errors or descriptions.
public final class LocalKeyring: KeyManagement {
    /// How often an unknown, newer key version may trigger a re-read of the file (rotated by another process).
    static let reloadInterval = Duration.seconds(1)

    public let path: String
    private let state: Mutex<State>

    private struct State {
        var keys: KeySet
        /// When an unknown newer version last triggered a re-read; nil until the first one.
        var lastRefresh: ContinuousClock.Instant?
    }

    /// Loads the keyring at `path`, refusing a missing, unreadable, malformed or group/other-accessible file.
    public init(path: String) throws {
        self.path = path
        state = Mutex(State(keys: try Self.load(path)))
    }

    /// Writes a new keyring with one random key (version 1), mode 0600. Throws `KMSError.keyringExists` rather than
    /// replacing an existing file, even when another process creates one concurrently.
    public static func create(at path: String) throws {
        let contents = try kmsErrors { try KeyringDocument.generate().encoded() }
        try KeyringStore.createExclusively(path, contents: contents)
    }

    /// Adds a new random key after the newest version and makes it primary; returns the new version. Atomic and
    /// serialized against concurrent rotations. Processes that already loaded the keyring pick up the new
    /// version when they first meet it in a ciphertext, or on `reload()`.
    @discardableResult
    public static func rotate(at path: String) throws -> UInt32 {
        try KeyringStore.replace(path) { contents in
            let (document, version) = try kmsErrors {
                try KeyringDocument.decode(contents, path: path).rotated(path: path)
            }
            return (try kmsErrors { try document.encoded() }, version)
        }
    }

    /// Rotates this keyring's file and switches this instance to the new primary.
    @discardableResult
    public func rotate() throws -> UInt32 {
        let version = try Self.rotate(at: path)
        try reload()
        return version
    }

    /// Re-reads the file, e.g. after another process rotated it. On failure the keys in memory stay in use.
    public func reload() throws {
        let keys = try Self.load(path)
        state.withLock { $0.keys = keys }
    }

    /// The key version new ciphertexts are encrypted under.
    public var primaryVersion: UInt32 {
        state.withLock { $0.keys.primary }
    }

    public func encrypt(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let (version, key) = state.withLock { ($0.keys.primary, $0.keys.primaryKey) }
        do {
            let nonce = try SecureRandom.bytes(count: AESGCM.nonceByteCount)
            let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
            return Envelope(keyVersion: version, nonce: nonce, ciphertext: sealed.ciphertext, tag: sealed.tag).bytes
        } catch {
            throw KMSError.unavailable("local encryption failed: \(error)")
        }
    }

    public func decrypt(_ ciphertext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let envelope = try Envelope(parsing: ciphertext)
        guard let key = key(version: envelope.keyVersion) else {
            throw KMSError.unknownKeyVersion(envelope.keyVersion)
        }
        do {
            return try AESGCM.open(
                ciphertext: envelope.ciphertext, tag: envelope.tag, key: key, nonce: envelope.nonce, aad: aad)
        } catch CryptoError.authenticationFailed {
            throw KMSError.decryptionFailed
        } catch {
            throw KMSError.unavailable("local decryption failed: \(error)")
        }
    }

    /// The key for `version`, re-reading the file (at most once per `reloadInterval`) when the version is newer than
    /// any we hold. Older unknown versions never trigger I/O: they cannot appear by rotation.
    private func key(version: UInt32) -> [UInt8]? {
        let now = ContinuousClock.now
        let (known, mayReload) = state.withLock { state -> ([UInt8]?, Bool) in
            if let key = state.keys.keys[version] { return (key, false) }
            let due =
                version > state.keys.newestVersion
                && state.lastRefresh.map { $0.duration(to: now) >= Self.reloadInterval } ?? true
            if due { state.lastRefresh = now }
            return (nil, due)
        }
        if let known { return known }
        guard mayReload, let fresh = try? Self.load(path) else { return nil }
        state.withLock { state in
            if fresh.newestVersion >= state.keys.newestVersion { state.keys = fresh }
        }
        return fresh.keys[version]
    }

    private static func load(_ path: String) throws -> KeySet {
        let contents = try KeyringStore.readSecurely(path)
        return try KeyringDocument.decode(contents, path: path).keySet(path: path)
    }

    /// Keeps the promise that only `KMSError` escapes: anything else (random source, JSON encoder) is unavailability.
    private static func kmsErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.unavailable("keyring operation failed: \(error)")
        }
    }
}
