#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Google service-account key file (`"type": "service_account"`), validated on load.
///
/// Errors name the offending field or file, never a value: the file holds a private key. The description shows
/// only the account e-mail and project.
public struct ServiceAccountCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let clientEmail: String
    public let privateKeyID: String
    /// Where the JWT grant is POSTed; taken from the file so tests and other universes can point it elsewhere.
    public let tokenURI: String
    public let projectID: String
    /// PKCS#8 PEM; internal so it cannot end up in a caller's log line by accident.
    let privateKey: String

    /// Decodes and validates the JSON of a key file.
    public init(json: [UInt8]) throws(GoogleAuthError) {
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: Data(json))
        } catch DecodingError.typeMismatch(_, let context) {
            throw .invalidCredentials("field \(Self.field(context)) of the service-account key must be a string")
        } catch {
            throw .invalidCredentials("the service-account key is not a JSON object")
        }
        func required(_ value: String?, _ name: String) throws(GoogleAuthError) -> String {
            guard let value, !value.isEmpty else {
                throw .invalidCredentials("the service-account key lacks field \(name)")
            }
            return value
        }
        let type = try required(file.type, "type")
        guard type == "service_account" else {
            throw .invalidCredentials("field type of the key is not service_account; only service-account keys work")
        }
        clientEmail = try required(file.clientEmail, "client_email")
        privateKey = try required(file.privateKey, "private_key")
        privateKeyID = try required(file.privateKeyID, "private_key_id")
        tokenURI = try required(file.tokenURI, "token_uri")
        projectID = try required(file.projectID, "project_id")
        guard EndpointSecurity.allowsCredentials(to: tokenURI) else {
            throw .invalidCredentials("field token_uri must be an https URL (plain http only for loopback hosts)")
        }
    }

    /// Reads and validates a key file; errors name `path` but never quote its contents.
    public init(contentsOfFile path: String) throws(GoogleAuthError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw .invalidCredentials("cannot read service-account key file \(path)")
        }
        do {
            try self.init(json: Array(data))
        } catch {
            guard case .invalidCredentials(let reason) = error else { throw error }
            throw .invalidCredentials("\(path): \(reason)")
        }
    }

    public var description: String {
        "ServiceAccountCredentials(\(clientEmail), project \(projectID))"
    }

    public var debugDescription: String {
        description
    }

    private static func field(_ context: DecodingError.Context) -> String {
        context.codingPath.last?.stringValue ?? "?"
    }

    /// All optional, so a missing field is reported by name rather than as a decoding error.
    private struct KeyFile: Decodable {
        var type, clientEmail, privateKey, privateKeyID, tokenURI, projectID: String?

        enum CodingKeys: String, CodingKey {
            case type
            case clientEmail = "client_email"
            case privateKey = "private_key"
            case privateKeyID = "private_key_id"
            case tokenURI = "token_uri"
            case projectID = "project_id"
        }
    }
}
