import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The road from an HTTPS request to a JSON response: real nginx, two real `tally serve` processes.
@Suite(.serialized) struct FoundationIntegrationTests {
    @Test func healthReadyAndSecurityHeaders() throws {
        let cluster = try Cluster()
        let health = try cluster.get("/health")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")
        #expect(health.response.header("Content-Type") == "application/json")
        #expect(health.response.header("Strict-Transport-Security")?.contains("max-age=") == true)
        #expect(health.response.header("X-Content-Type-Options") == "nosniff")
        let ready = try cluster.get("/ready")
        #expect(ready.status == 200)
        #expect(ready.json["status"] as? String == "ready")
    }

    @Test func unknownPathAndWrongMethodAreJSONWithTheRequestID() throws {
        let cluster = try Cluster()
        let missing = try cluster.get("/nope")
        #expect(missing.status == 404)
        let error = try #require(missing.json["error"] as? [String: Any])
        #expect(error["code"] as? String == "not_found")
        let requestID = try #require(missing.response.header("X-Request-Id"))
        #expect(requestID.count == 32)
        #expect(error["request_id"] as? String == requestID)
        #expect(missing.response.header("Strict-Transport-Security") != nil, "headers survive error responses")

        let wrong = try cluster.request("DELETE", "/health")
        #expect(wrong.status == 405)
        #expect(wrong.error == "method_not_allowed")
        #expect(wrong.response.header("Allow") == "GET")
    }

    @Test func requestIDsAreUniqueAndRoundTrip() throws {
        let cluster = try Cluster()
        var seen = Set<String>()
        for _ in 0..<10 {
            let reply = try cluster.get("/nope")
            let header = try #require(reply.response.header("X-Request-Id"))
            #expect((reply.json["error"] as? [String: Any])?["request_id"] as? String == header)
            seen.insert(header)
        }
        #expect(seen.count == 10)
    }

    @Test func oversizeBodiesAre413JSON() throws {
        let cluster = try Cluster(serveArguments: ["--max-body-bytes", "65536"])
        // Over Tally's own limit but under nginx's: Tally answers.
        let tally = try cluster.request(
            "POST", "/api/v1/customers/onboard", admin: true, rawBody: Array(repeating: 0x20, count: 100_000))
        #expect(tally.status == 413)
        #expect(tally.error == "payload_too_large")
        // Over nginx's limit: nginx refuses before Tally sees it, still as JSON.
        let nginx = try cluster.request(
            "POST", "/api/v1/customers/onboard", admin: true, rawBody: Array(repeating: 0x20, count: 2_000_000))
        #expect(nginx.status == 413)
        #expect(nginx.error == "payload_too_large")
        #expect(try cluster.get("/health").status == 200, "instances keep serving")
    }

    @Test func badRequestsAre4xxAndTheServiceKeepsServing() throws {
        let cluster = try Cluster()
        for path in ["/api/v1/pipelines/runs/%ff%fe", "/a/%2e%2e/b", "/%zz", "/" + String(repeating: "a", count: 3000)]
        {
            let reply = try cluster.get(path)
            #expect((400..<500).contains(reply.status), "\(path.prefix(40)) → \(reply.status)")
        }
        let flood = (0..<300).map { ("X-Flood-\($0)", String(repeating: "v", count: 100)) }
        let flooded = try cluster.request("GET", "/health", headers: flood)
        #expect((200..<500).contains(flooded.status))
        #expect(try cluster.get("/health").status == 200)
    }

    @Test func slowClientsDoNotBlockOthers() throws {
        let cluster = try Cluster()
        // Connections that send half a TLS handshake and then nothing.
        var descriptors: [Int32] = []
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(cluster.port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            _ = write(fd, [0x16, 0x03, 0x01], 3)
            descriptors.append(fd)
        }
        defer { descriptors.forEach { close($0) } }
        let start = Date()
        #expect(try cluster.get("/health").status == 200)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func trafficReachesBothInstancesAndSurvivesOneDying() throws {
        let cluster = try Cluster()
        var instances = Set<String>()
        // least_conn spreads concurrent requests; sequential ones may all go to the first server.
        let lock = Mutex<Set<String>>([])
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            if let name = (try? cluster.get("/health"))?.json["instance"] as? String {
                lock.withLock { _ = $0.insert(name) }
            }
        }
        instances = lock.withLock { $0 }
        #expect(instances == ["1", "2"])

        cluster.signal("1", SIGKILL)
        for _ in 0..<20 {
            let reply = try cluster.get("/health")
            #expect(reply.status == 200)
            #expect(reply.json["instance"] as? String == "2")
        }
    }

    @Test func gracefulRestartLosesNoRequest() throws {
        let cluster = try Cluster()
        let failures = Atomic<Int>(0)
        let successes = Atomic<Int>(0)
        let running = Atomic<Bool>(true)
        let load = Thread {
            while running.load(ordering: .relaxed) {
                if (try? cluster.get("/health"))?.status == 200 {
                    successes.add(1, ordering: .relaxed)
                } else {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        load.start()
        usleep(300_000)
        let status = cluster.signal("1", SIGTERM)
        #expect(status == 0, "SIGTERM exits 0")
        try cluster.startInstance("1")
        usleep(300_000)
        running.store(false, ordering: .relaxed)
        usleep(200_000)
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(successes.load(ordering: .relaxed) > 20)
    }

    @Test func sigtermFinishesInFlightRequestsAndExitsPromptly() throws {
        let cluster = try Cluster()
        let key = try cluster.onboard("acme")
        // An onboarding is a long request; SIGTERM both instances while they run, then check they finished.
        let results = Mutex<[Int]>([])
        let group = DispatchGroup()
        for tenant in ["beta_one", "beta_two"] {
            DispatchQueue.global().async(group: group) {
                let status =
                    (try? cluster.request("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant]))?
                    .status ?? -1
                results.withLock { $0.append(status) }
            }
        }
        usleep(30_000)
        let start = Date()
        #expect(cluster.signal("1", SIGTERM) == 0)
        #expect(Date().timeIntervalSince(start) < 15)
        group.wait()
        #expect(results.withLock { $0 }.allSatisfy { $0 == 201 })
        _ = key
    }
}
