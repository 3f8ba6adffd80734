import Foundation

/// Where BigQuery's REST API is: production, a regional endpoint, or a local peer for tests.
public enum BigQueryEndpoint {
    public static let production = "https://bigquery.googleapis.com"

    /// The base URL from `BIGQUERY_EMULATOR_HOST` when set (a full base URL; `http://` is added when the value
    /// has no scheme, which Google's own libraries would choke on), else production. Setting it does not turn
    /// authentication off: requests still carry a bearer token.
    public static func baseURL(environment: [String: String]) -> String {
        guard let host = environment["BIGQUERY_EMULATOR_HOST"]?.trimmingCharacters(in: .whitespaces),
            !host.isEmpty
        else { return production }
        return normalized(host)
    }

    /// `host:port` → `http://host:port`; trailing slashes dropped, so paths append cleanly.
    public static func normalized(_ base: String) -> String {
        var url = base.contains("://") ? base : "http://" + base
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Path segments (ids) percent-encoded: `$` in a partition decorator becomes `%24`.
    static func escape(_ segment: String) -> String {
        var output = ""
        for byte in segment.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E:
                output.unicodeScalars.append(.init(byte))
            default: output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }

    /// `a=b&c=d` with values escaped like path segments.
    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }
}
