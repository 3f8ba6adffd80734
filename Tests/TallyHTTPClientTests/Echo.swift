import Foundation
import TallyHTTPClient

/// What the test server's `/echo` route saw: the request as it arrived on the wire.
struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    let body: String
    let bodyHex: String
    /// The client's source port: equal across requests when the connection was reused.
    let clientPort: Int

    init(_ response: HTTPClientResponse) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    /// The first value of a request header, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }
}
