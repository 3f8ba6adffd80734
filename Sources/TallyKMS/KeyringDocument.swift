import TallyCrypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The keyring file's JSON:
///
///     {"format": "tally-keyring-v1", "primary": 2,
///      "keys": [{"version": 1, "key": "<base64 of 32 bytes>", "created_at": "2026-01-31T12:00:00Z"}, ...]}
///
/// Versions are positive, unique and never reused; `primary` names the version new encryptions use.
struct KeyringDocument: Codable, CustomStringConvertible {
    static let formatName = "tally-keyring-v1"

    struct Entry: Codable {
        var version: UInt32
        var key: String
        var createdAt: String?

        enum CodingKeys: String, CodingKey {
            case version, key
            case createdAt = "created_at"
        }

        static func generate(version: UInt32) throws -> Entry {
            let key = try SecureRandom.bytes(count: AESGCM.keyByteCount)
            return Entry(
                version: version, key: Data(key).base64EncodedString(), createdAt: Date.now.formatted(.iso8601))
        }
    }

    var format: String
    var primary: UInt32
    var keys: [Entry]

    /// A new keyring holding one random key, version 1.
    static func generate() throws -> KeyringDocument {
        KeyringDocument(format: formatName, primary: 1, keys: [try Entry.generate(version: 1)])
    }

    /// Decodes without echoing file contents into errors: decoder messages can quote the offending values.
    static func decode(_ bytes: [UInt8], path: String) throws -> KeyringDocument {
        do {
            return try JSONDecoder().decode(KeyringDocument.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw KMSError.keyringUnreadable(path: path, reason: "missing field \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw KMSError.keyringUnreadable(path: path, reason: "not a JSON object")
        } catch DecodingError.typeMismatch(_, let context) {
            throw KMSError.keyringUnreadable(path: path, reason: "field \(Self.fieldPath(context)) has the wrong type")
        } catch DecodingError.valueNotFound(_, let context) {
            throw KMSError.keyringUnreadable(path: path, reason: "field \(Self.fieldPath(context)) is null")
        } catch {
            throw KMSError.keyringUnreadable(path: path, reason: "not valid JSON")
        }
    }

    /// Checks every invariant and decodes the keys; reasons name versions, never key values.
    func keySet(path: String) throws -> KeySet {
        func unreadable(_ reason: String) -> KMSError { .keyringUnreadable(path: path, reason: reason) }
        guard format == Self.formatName else { throw unreadable("unsupported format (expected \(Self.formatName))") }
        var decoded: [UInt32: [UInt8]] = [:]
        for entry in keys {
            guard entry.version > 0 else { throw unreadable("key version 0 is not allowed") }
            guard decoded[entry.version] == nil else { throw unreadable("duplicate key version \(entry.version)") }
            guard let key = Data(base64Encoded: entry.key), key.count == AESGCM.keyByteCount else {
                throw unreadable("key version \(entry.version) is not \(AESGCM.keyByteCount) bytes of base64")
            }
            decoded[entry.version] = Array(key)
        }
        guard !decoded.isEmpty else { throw unreadable("no keys") }
        guard decoded[primary] != nil else { throw unreadable("primary version \(primary) has no key") }
        return KeySet(primary: primary, keys: decoded)
    }

    /// Appends a fresh key after the newest version and makes it primary.
    func rotated(path: String) throws -> (document: KeyringDocument, version: UInt32) {
        let newest = try keySet(path: path).newestVersion
        guard newest < UInt32.max else {
            throw KMSError.keyringUnwritable(path: path, reason: "key versions exhausted")
        }
        var document = self
        document.keys.append(try Entry.generate(version: newest + 1))
        document.primary = newest + 1
        return (document, newest + 1)
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Redacted, so logging a document by accident cannot leak keys.
    var description: String {
        "KeyringDocument(format: \(format), primary: \(primary), versions: \(keys.map(\.version)))"
    }

    private static func fieldPath(_ context: DecodingError.Context) -> String {
        "\"" + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
    }
}
