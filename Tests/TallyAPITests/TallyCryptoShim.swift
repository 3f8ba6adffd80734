import TallyTenants

/// SHA-256 through the tenants module, so the API tests need no direct crypto dependency.
enum TallyCryptoShim {
    static func sha256(_ text: String) -> [UInt8] {
        APIKey.hash(text)
    }
}
