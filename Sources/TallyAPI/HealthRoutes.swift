import TallyHTTP

/// Liveness and readiness, for nginx-independent probes and for operators.
///
/// `/health` touches nothing, so it answers while dependencies are down; `/ready` answers 200 only when
/// every dependency check passes, so a balancer can hold traffic back from an instance that cannot serve.
public struct HealthRoutes: Sendable {
    /// A named dependency check; it throws or returns false when the dependency cannot be used.
    public struct Check: Sendable {
        public var name: String
        public var probe: @Sendable () -> Bool

        public init(name: String, probe: @escaping @Sendable () -> Bool) {
            self.name = name
            self.probe = probe
        }
    }

    private let checks: [Check]
    private let instance: String

    public init(instance: String, checks: [Check]) {
        self.instance = instance
        self.checks = checks
    }

    public func register(in router: inout Router) {
        // Liveness is probed constantly; its body never changes, so it is encoded once.
        let health = Response.json(["status": "ok", "instance": instance])
        router.add(.get, "/health") { _, _ in health }
        router.add(.get, "/ready") { [checks, instance] _, _ in
            var results: [String: String] = [:]
            for check in checks { results[check.name] = check.probe() ? "ok" : "failing" }
            let ready = !results.values.contains("failing")
            return .json(
                ReadyBody(status: ready ? "ready" : "not_ready", instance: instance, checks: results),
                status: ready ? .ok : .serviceUnavailable)
        }
    }

    private struct ReadyBody: Encodable {
        var status: String
        var instance: String
        var checks: [String: String]
    }
}
