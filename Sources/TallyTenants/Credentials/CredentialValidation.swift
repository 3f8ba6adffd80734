import Foundation
import TallyHTTP

/// Checks a credential has what its source needs: a service-account key the JWT grant can use, or an
/// *admin* key (the OpenAI and Anthropic cost endpoints refuse ordinary keys).
enum CredentialValidation {
    static func validate(_ input: CredentialInput) throws(APIError) {
        switch input.provider {
        case "gcp": try serviceAccount(input.value)
        case "openai": try adminKey(input.value, prefix: "sk-admin-", provider: "OpenAI")
        case "anthropic": try adminKey(input.value, prefix: "sk-ant-admin", provider: "Anthropic")
        default: break
        }
        try settings(input)
    }

    private static func serviceAccount(_ value: String) throws(APIError) {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(value.utf8)) else {
            throw invalid("value must be a service-account JSON key.")
        }
        func field(_ name: String) -> String? {
            if case .string(let text)? = object[name], !text.isEmpty { return text }
            return nil
        }
        guard field("type") == "service_account" else { throw invalid("the key's type must be service_account.") }
        for name in ["client_email", "private_key", "token_uri"] where field(name) == nil {
            throw invalid("the service-account key lacks '\(name)'.")
        }
        guard field("client_email")?.contains("@") == true else { throw invalid("client_email is not an e-mail.") }
        guard field("private_key")?.contains("-----BEGIN PRIVATE KEY-----") == true else {
            throw invalid("private_key must be a PEM PKCS#8 key.")
        }
        guard let tokenURI = field("token_uri"),
            tokenURI.hasPrefix("https://") || tokenURI.hasPrefix("http://127.0.0.1")
        else { throw invalid("token_uri must be an https URL.") }
    }

    private static func adminKey(_ value: String, prefix: String, provider: String) throws(APIError) {
        guard value.hasPrefix(prefix), value.utf8.count >= prefix.utf8.count + 16,
            value.unicodeScalars.allSatisfy({ $0.isASCII && !$0.properties.isWhitespace && $0.value >= 0x21 })
        else {
            throw invalid(
                "\(provider) cost data needs an admin key (\(prefix)…); ordinary keys are refused by those endpoints.")
        }
    }

    private static func settings(_ input: CredentialInput) throws(APIError) {
        for (name, value) in input.settings {
            switch (name, value) {
            case ("billing_export_table", .string(let table)):
                let parts = table.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") && !$0.contains("`") })
                else { throw settingError("billing_export_table must be project.dataset.table") }
            case ("billing_export_file", .string(let path)):
                guard path.hasPrefix("/"), !path.split(separator: "/").contains(".."),
                    FileManager.default.isReadableFile(atPath: path)
                else { throw settingError("billing_export_file must be an absolute path readable by the service") }
            case ("project_ids", .array(let items)), ("workspace_ids", .array(let items)):
                guard items.allSatisfy({ if case .string = $0 { true } else { false } }) else {
                    throw settingError("\(name) must be a list of strings")
                }
            case (_, .string(let text)) where !text.isEmpty && text.utf8.count <= 256:
                continue
            default:
                throw settingError("\(name) has the wrong type")
            }
        }
    }

    private static func invalid(_ message: String) -> APIError {
        .badRequest(code: "invalid_credential", "Invalid credential: \(message)")
    }

    private static func settingError(_ message: String) -> APIError {
        .badRequest(code: "invalid_settings", "Invalid settings: \(message).")
    }
}
