import Foundation
import TallyHTTPClient
import Testing

/// TLS against a self-signed certificate: refused by default, trusted through `caFile`.
@Suite(.timeLimit(.minutes(1)))
struct HTTPSTests {
    @Test func selfSignedCertificateNeedsItsCAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "tally-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = try SelfSignedCertificate(in: directory)
        let server = try TestServer(certificate: certificate)
        defer { server.stop() }
        let request = HTTPClientRequest(url: server.url("/echo?secret=abc"))

        let error = try #require(throws: HTTPClientError.self) { try HTTPClient().execute(request) }
        guard case .tls(let message) = error else {
            Issue.record("expected a TLS error, got \(error)")
            return
        }
        #expect(!message.contains("secret=abc"))

        for version in [HTTPClient.Configuration.HTTPVersion.http1, .http2] {
            let trusting = HTTPClient(configuration: .init(caFile: certificate.certificatePath, httpVersion: version))
            let echo = try Echo(trusting.execute(request))
            #expect(echo.path == "/echo?secret=abc")
        }

        let unverified = HTTPClient(configuration: .init(verifyPeer: false))
        #expect(try unverified.execute(request).status == 200)
    }

    @Test func missingCAFileIsATLSError() throws {
        let client = HTTPClient(configuration: .init(caFile: "/nonexistent/ca.pem"))
        let server = try TestServer(certificate: nil)
        defer { server.stop() }
        // Plain HTTP never reads the CA file; HTTPS to the same port fails at the handshake setup.
        #expect(try client.execute(HTTPClientRequest(url: server.url("/echo"))).status == 200)
        #expect {
            try client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/echo"))
        } throws: { error in
            guard case .tls = error as? HTTPClientError else { return false }
            return true
        }
    }
}
