import Foundation
import Testing

@testable import TallyKMS

/// Every body Tally sent to KMS, checked against the `EncryptRequest` / `DecryptRequest` schemas of Google's
/// discovery document: only known fields, every value a string (bytes as base64, int64 as decimal digits), and
/// each checksum the CRC32C of the field it covers.
@Suite struct KMSRequestSchemaTests {
    @Test func requestBodiesMatchTheDiscoveryDocument() throws {
        guard let document = FileManager.default.contents(atPath: RepositoryPaths.kmsDiscoveryDocument) else {
            print("SKIPPED: Cloud KMS discovery document not found at \(RepositoryPaths.kmsDiscoveryDocument)")
            return
        }
        let schemas = try #require(
            (try JSONSerialization.jsonObject(with: document) as? [String: Any])?["schemas"] as? [String: Any])

        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        for (plaintext, aad) in [(Array("secret".utf8), Array("tenant=acme".utf8)), (Array("x".utf8), [])] {
            _ = try kms.decrypt(try kms.encrypt(plaintext, aad: aad), aad: aad)
        }

        for (verb, schemaName, required) in [
            ("encrypt", "EncryptRequest", "plaintext"), ("decrypt", "DecryptRequest", "ciphertext"),
        ] {
            let schema = try #require(schemas[schemaName] as? [String: Any])
            let properties = try #require(schema["properties"] as? [String: [String: Any]])
            let bodies = try fixture.bodies(verb)
            #expect(bodies.count == 2)
            for body in bodies {
                let fields = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                #expect(fields[required] != nil, "\(schemaName) requires \(required)")
                for (name, value) in fields {
                    let property = try #require(properties[name], "\(schemaName) has no field \(name)")
                    #expect(property["type"] as? String == "string", "\(schemaName).\(name) is a string")
                    let text = try #require(value as? String, "\(schemaName).\(name) must be sent as a string")
                    switch property["format"] as? String {
                    case "byte": #expect(Data(base64Encoded: text) != nil, "\(schemaName).\(name) is base64")
                    case "int64": #expect(text.allSatisfy(\.isWholeNumber) && Int64(text) != nil)
                    default: Issue.record("unexpected format for \(schemaName).\(name)")
                    }
                }
                try Self.checkChecksums(fields)
            }
        }
    }

    /// `xCrc32c` must be the CRC32C of the decoded `x`.
    private static func checksum(of field: String, in fields: [String: Any]) -> String? {
        guard let text = fields[field] as? String, let bytes = Data(base64Encoded: text) else { return nil }
        return String(CRC32C.checksum(Array(bytes)))
    }

    private static func checkChecksums(_ fields: [String: Any]) throws {
        for field in ["plaintext", "ciphertext", "additionalAuthenticatedData"] where fields[field] != nil {
            let sent = try #require(fields[field + "Crc32c"] as? String, "\(field) is sent with its checksum")
            #expect(sent == checksum(of: field, in: fields))
        }
    }
}
