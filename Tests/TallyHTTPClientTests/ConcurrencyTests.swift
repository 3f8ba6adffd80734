import Foundation
import Synchronization
import Testing

@testable import TallyHTTPClient

/// One client shared by eight OS threads, as Tally's FastCGI workers share it.
@Suite(.timeLimit(.minutes(1)))
struct ConcurrencyTests {
    @Test func eightThreadsShareOneClient() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(timeout: .seconds(10)))
        let baseURL = server.baseURL
        let threads = 8
        let requestsPerThread = 15
        let failures = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)

        for thread in 0..<threads {
            Thread {
                for index in 0..<requestsPerThread {
                    let path = "/echo?thread=\(thread)&index=\(index)"
                    let body = Array("\(thread)-\(index)".utf8)
                    do {
                        let request = HTTPClientRequest(method: "PUT", url: baseURL + path, body: body)
                        let echo = try Echo(client.execute(request))
                        if echo.path != path || echo.body != "\(thread)-\(index)" {
                            failures.withLock { $0.append("mismatch for \(path)") }
                        }
                    } catch {
                        failures.withLock { $0.append("\(path): \(error)") }
                    }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<threads {
            #expect(done.wait(timeout: .now() + 30) == .success)
        }
        #expect(failures.withLock { $0 } == [])
        #expect((1...threads).contains(client.idleHandleCount))
    }
}
