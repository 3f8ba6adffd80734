import Foundation
import Testing

/// The nginx configuration: `nginx/tally.conf` (production), `nginx/dev.conf.in` rendered by
/// `scripts/render-nginx-dev.sh` (development), and the snippets both include.
///
/// Every test uses its own fresh prefix. That matters in CI, which runs as root: a root `nginx -t`
/// creates missing temp dirs for the worker user, and a prefix reused by another user breaks
/// (platform notes 5.5).
@Suite("nginx configuration")
struct NginxConfigTests {
    /// The headers `nginx/snippets/security-headers.conf` must put on every response.
    static let securityHeaders: [(name: String, value: String)] = [
        ("strict-transport-security", "max-age=63072000"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
        ("cache-control", "no-store"),
    ]

    @Test("dev config renders and passes nginx -t")
    func devConfigPassesNginxTest() throws {
        let dir = try Deploy.makeTempDir("ngx-dev")
        defer { Deploy.cleanUp(dir) }
        let prefix = dir.appendingPathComponent("prefix")
        let sockets = [dir.appendingPathComponent("1.sock").path, dir.appendingPathComponent("2.sock").path]

        let render = try Deploy.renderDevNginx(prefix: prefix, port: 18_443, upstreams: sockets + ["127.0.0.1:9000"])
        #expect(render.status == 0, "render-nginx-dev.sh failed:\n\(render.output)")

        let conf = try String(contentsOf: prefix.appendingPathComponent("conf/nginx.conf"), encoding: .utf8)
        #expect(conf.range(of: "@[A-Z_]+@", options: .regularExpression) == nil, "unreplaced placeholder")
        for socket in sockets {
            #expect(conf.contains("server unix:\(socket) "), "upstream lacks \(socket)")
        }
        #expect(conf.contains("server 127.0.0.1:9000 "), "TCP upstream not rendered")
        #expect(conf.contains("listen 127.0.0.1:18443 ssl http2;"))
        if getuid() == 0 {
            // Root master without `user`: workers run as nobody and cannot reach root's 0660 sockets.
            #expect(conf.contains("\nuser root root;"))
        }
        for file in ["fastcgi_params", "dev.crt", "dev.key", "snippets/tally/server-common.conf"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("conf/\(file)").path))
        }

        let test = try Deploy.nginxTest(prefix: prefix)
        #expect(test.status == 0, "nginx -t failed:\n\(test.output)")
        #expect(test.output.contains("test is successful"), "\(test.output)")
    }

    @Test(
        "render script rejects bad arguments",
        arguments: [
            ["PREFIX", "8443"],  // no upstream
            ["PREFIX", "https", "/tmp/a.sock"],  // port not a number
            ["PREFIX", "70000", "/tmp/a.sock"],  // port out of range
            ["PREFIX", "8443", "0.0.0.0:9000"],  // libfcgi must never listen beyond loopback
            ["PREFIX", "8443", "/tmp/a b.sock"],  // would break the nginx config
            ["PREFIX", "8443", "/tmp/a;b.sock"],
        ]
    )
    func renderRejectsBadArguments(_ arguments: [String]) throws {
        let dir = try Deploy.makeTempDir("ngx-bad")
        defer { Deploy.cleanUp(dir) }
        let resolved = arguments.map { $0 == "PREFIX" ? dir.appendingPathComponent("prefix").path : $0 }
        let result = try Deploy.run("/bin/bash", [Deploy.repoPath("scripts/render-nginx-dev.sh")] + resolved)
        #expect(result.status != 0, "accepted \(arguments):\n\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("prefix/conf/nginx.conf").path))
    }

    /// The production file as shipped, wrapped in a minimal main config that mirrors the http-level
    /// settings of Debian's stock nginx.conf (so a directive duplicated at http level is caught). Only
    /// the certificate paths, the log directory and the listen port numbers are substituted.
    @Test("production config passes nginx -t")
    func productionConfigPassesNginxTest() throws {
        let prefix = try Deploy.makeTempDir("ngx-prod")
        defer { Deploy.cleanUp(prefix) }
        let conf = prefix.appendingPathComponent("conf")
        let snippets = conf.appendingPathComponent("snippets/tally")
        let fm = FileManager.default
        try fm.createDirectory(at: snippets, withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: "/etc/nginx/fastcgi_params", toPath: conf.appendingPathComponent("fastcgi_params").path)
        let snippetDir = Deploy.repoPath("nginx/snippets")
        for name in try fm.contentsOfDirectory(atPath: snippetDir) where name.hasSuffix(".conf") {
            try fm.copyItem(atPath: "\(snippetDir)/\(name)", toPath: snippets.appendingPathComponent(name).path)
        }
        try Deploy.makeSelfSignedCertificate(
            certificate: conf.appendingPathComponent("test.crt"),
            key: conf.appendingPathComponent("test.key")
        )

        var tally = try String(contentsOfFile: Deploy.repoPath("nginx/tally.conf"), encoding: .utf8)
        let original = tally
        tally = replacing(#"(?m)^(\s*)ssl_certificate\s+[^;]+;"#, in: tally, with: "$1ssl_certificate test.crt;")
        tally = replacing(
            #"(?m)^(\s*)ssl_certificate_key\s+[^;]+;"#, in: tally, with: "$1ssl_certificate_key test.key;")
        tally = tally.replacingOccurrences(of: "/var/log/nginx/", with: prefix.path + "/logs/")
        // `nginx -t` binds the listen sockets (it only tolerates EADDRINUSE): ports 80/443 would fail for a
        // non-root developer, so they move to free high ports; the addresses (IPv4 and [::]) stay.
        let httpPort = try Deploy.freeLoopbackPort()
        let httpsPort = try Deploy.freeLoopbackPort()
        for (from, to) in [
            ("listen 80;", "listen \(httpPort);"), ("listen [::]:80;", "listen [::]:\(httpPort);"),
            ("listen 443 ", "listen \(httpsPort) "), ("listen [::]:443 ", "listen [::]:\(httpsPort) "),
        ] {
            #expect(tally.contains(from), "nginx/tally.conf has no `\(from)`: adjust this test")
            tally = tally.replacingOccurrences(of: from, with: to)
        }
        #expect(tally != original, "nothing substituted: the certificate directives moved?")
        #expect(tally.contains("ssl_certificate test.crt;") && tally.contains("ssl_certificate_key test.key;"))
        try tally.write(to: conf.appendingPathComponent("tally.conf"), atomically: true, encoding: .utf8)

        let main = """
            pid logs/nginx.pid;
            error_log logs/error.log;
            events { worker_connections 768; }
            http {
                client_body_temp_path tmp/client_body;
                fastcgi_temp_path tmp/fastcgi;
                proxy_temp_path tmp/proxy;
                uwsgi_temp_path tmp/uwsgi;
                scgi_temp_path tmp/scgi;
                # As in Debian's /etc/nginx/nginx.conf:
                sendfile on;
                default_type application/octet-stream;
                ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
                ssl_prefer_server_ciphers on;
                access_log logs/access.log;
                gzip on;
                include tally.conf;
            }

            """
        try main.write(to: conf.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)

        let test = try Deploy.nginxTest(prefix: prefix)
        #expect(test.status == 0, "nginx -t failed on nginx/tally.conf:\n\(test.output)")
        #expect(test.output.contains("test is successful"), "\(test.output)")
    }

    /// Guards the add_header inheritance pitfall: a location with its own add_header (or none, but a
    /// parent with some) loses the server-level headers, so every location includes the snippet.
    @Test("every location includes the security headers snippet")
    func everyLocationIncludesSecurityHeaders() throws {
        let include = "include snippets/tally/security-headers.conf;"
        var checked = 0
        for file in ["nginx/tally.conf", "nginx/dev.conf.in", "nginx/snippets/server-common.conf"] {
            let text = stripComments(try String(contentsOfFile: Deploy.repoPath(file), encoding: .utf8))
            for (header, body) in blocks(named: "location", in: text) {
                checked += 1
                #expect(body.contains(include), "\(file): `\(header)` does not include the security headers")
            }
        }
        #expect(checked >= 8, "expected the redirect, the two routes and the five error locations, found \(checked)")

        // add_header anywhere else would silently split the header set.
        for file in ["nginx/tally.conf", "nginx/dev.conf.in"] {
            let text = stripComments(try String(contentsOfFile: Deploy.repoPath(file), encoding: .utf8))
            #expect(!text.contains("add_header"), "\(file): put headers in snippets/security-headers.conf")
        }
    }

    /// nginx has no glob for upstreams: the production upstream list and the instances that
    /// tally.target starts must name the same sockets.
    @Test("production upstream matches the systemd instances")
    func upstreamMatchesSystemdInstances() throws {
        let nginx = try String(contentsOfFile: Deploy.repoPath("nginx/tally.conf"), encoding: .utf8)
        let target = try String(contentsOfFile: Deploy.repoPath("systemd/tally.target"), encoding: .utf8)
        let socket = try String(contentsOfFile: Deploy.repoPath("systemd/tally@.socket"), encoding: .utf8)

        let upstream = Set(captures(#"(?m)^\s*server unix:/run/tally/([0-9]+)\.sock\s"#, in: stripComments(nginx)))
        let wants = stripComments(target).split(separator: "\n").filter { $0.hasPrefix("Wants=") }.joined(
            separator: " ")
        let instances = Set(captures(#"tally@([0-9]+)\.service"#, in: wants))
        #expect(upstream.count >= 2, "expected several instances in the upstream block")
        #expect(upstream == instances, "nginx upstream \(upstream.sorted()) != tally.target \(instances.sorted())")
        #expect(socket.contains("\nListenStream=/run/tally/%i.sock\n"))
    }

    /// Starts the rendered development nginx with no Tally instance behind it and checks nginx's own
    /// responses: JSON bodies for 502/413/429 whose request_id equals the X-Request-Id header, and the
    /// full security header set exactly once on each.
    @Test("dev nginx answers its own errors in JSON with all security headers")
    func devNginxJSONErrors() throws {
        let dir = try Deploy.makeTempDir("ngx-run")
        defer { Deploy.cleanUp(dir) }
        let prefix = dir.appendingPathComponent("prefix")
        let port = try Deploy.freeLoopbackPort()
        // A strict limit (1 r/min, burst 1) so that a handful of requests reaches the 429.
        let render = try Deploy.renderDevNginx(
            prefix: prefix,
            port: port,
            upstreams: [dir.appendingPathComponent("absent.sock").path],
            environment: ["TALLY_NGINX_RATE": "1r/m", "TALLY_NGINX_BURST": "1"]
        )
        try #require(render.status == 0, "render failed:\n\(render.output)")

        let nginx = try startNginx(prefix: prefix, logFile: dir.appendingPathComponent("nginx.out"))
        defer { Deploy.stop(nginx) }
        let base = "https://127.0.0.1:\(port)"
        try #require(
            try Deploy.waitForHTTP("\(base)/health", server: nginx, scratch: dir),
            "nginx did not start:\n\(log(dir.appendingPathComponent("nginx.out")))"
        )

        let badGateway = try Deploy.request("\(base)/health", scratch: dir)
        #expect(badGateway.status == 502)
        checkNginxError(badGateway, code: "bad_gateway")

        let big = dir.appendingPathComponent("big.json")
        try Data(count: 2 * 1024 * 1024).write(to: big)
        let tooLarge = try Deploy.request("\(base)/api/v1/anything", method: "POST", bodyFile: big, scratch: dir)
        #expect(tooLarge.status == 413)
        checkNginxError(tooLarge, code: "payload_too_large")

        let small = dir.appendingPathComponent("small.json")
        try Data("{}".utf8).write(to: small)
        var limited: HTTPResult?
        for _ in 0..<6 {
            let response = try Deploy.request("\(base)/api/v1/anything", method: "POST", bodyFile: small, scratch: dir)
            if response.status == 429 {
                limited = response
                break
            }
            #expect(response.status == 502)
        }
        let rateLimited = try #require(limited, "no 429 within 6 requests at 1r/m burst 1")
        checkNginxError(rateLimited, code: "rate_limited")
        #expect(rateLimited.values("retry-after") == ["1"])
    }

    /// End to end through the real binary (TALLY_BIN, set by scripts/test.sh): `tally init`, one
    /// `tally serve --listen` instance behind the rendered dev nginx, headers on a Tally response,
    /// and SIGTERM = graceful stop with exit status 0 (what systemd's stop relies on).
    @Test(
        "tally serve behind dev nginx",
        .enabled(if: ProcessInfo.processInfo.environment["TALLY_BIN"] != nil, "set TALLY_BIN to the built binary")
    )
    func tallyBehindDevNginx() throws {
        let tallyBin = try #require(ProcessInfo.processInfo.environment["TALLY_BIN"])
        try #require(FileManager.default.isExecutableFile(atPath: tallyBin), "TALLY_BIN=\(tallyBin) is not executable")
        let dir = try Deploy.makeTempDir("e2e")
        defer { Deploy.cleanUp(dir) }
        let home = dir.appendingPathComponent("home")
        var environment = [
            "TALLY_HOME": home.path,
            "TALLY_CONFIGS": Deploy.repoPath("configs"),
            "TALLY_LOG_LEVEL": "warning",
        ]

        let initResult = try Deploy.run(tallyBin, ["init"], environment: environment, currentDirectory: dir)
        try #require(initResult.status == 0, "tally init failed:\n\(initResult.output)")
        let hash = try String(contentsOf: home.appendingPathComponent("admin-key.sha256"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil, "admin-key.sha256: \(hash)")
        environment["TALLY_ADMIN_KEY_SHA256"] = hash

        let socket = dir.appendingPathComponent("t1.sock")
        let tallyLogFile = dir.appendingPathComponent("tally.log")
        let tally = try Deploy.start(
            tallyBin,
            ["serve", "--listen", socket.path, "--instance", "1", "--workers", "2"],
            environment: environment,
            currentDirectory: dir,
            logFile: tallyLogFile
        )
        defer { Deploy.stop(tally) }
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: socket.path) && tally.isRunning && Date() < deadline {
            usleep(50_000)
        }
        let tallyLog = { self.log(tallyLogFile) }
        try #require(FileManager.default.fileExists(atPath: socket.path), "no socket from tally serve:\n\(tallyLog())")
        // nginx reaches the socket through its group; never world-accessible (platform notes 1.1).
        let mode = try FileManager.default.attributesOfItem(atPath: socket.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o660, "socket mode \(String(mode ?? 0, radix: 8)), expected 0660")

        let prefix = dir.appendingPathComponent("nginx")
        let port = try Deploy.freeLoopbackPort()
        let render = try Deploy.renderDevNginx(prefix: prefix, port: port, upstreams: [socket.path])
        try #require(render.status == 0, "render failed:\n\(render.output)")
        let nginx = try startNginx(prefix: prefix, logFile: dir.appendingPathComponent("nginx.out"))
        defer { Deploy.stop(nginx) }
        let base = "https://127.0.0.1:\(port)"
        try #require(
            try Deploy.waitForHTTP("\(base)/health", server: nginx, scratch: dir),
            "nginx did not start:\n\(log(dir.appendingPathComponent("nginx.out")))"
        )

        let health = try Deploy.request("\(base)/health", headers: ["X-Request-Id: client-chosen"], scratch: dir)
        #expect(health.status == 200, "GET /health: \(health.status) \(health.body)\n\(tallyLog())")
        checkSecurityHeaders(health)
        // nginx's id replaces the client's, and Tally's echo is hidden: exactly one 32-hex id.
        let ids = health.values("x-request-id")
        #expect(ids.count == 1 && ids[0].range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil, "\(ids)")

        #expect(Deploy.stop(tally, timeout: 20), "tally did not stop within 20s of SIGTERM")
        #expect(tally.terminationReason == .exit && tally.terminationStatus == 0, "SIGTERM exit: \(tallyLog())")
    }

    // MARK: - Helpers

    /// The dev nginx in the foreground (a child we can stop), errors to PREFIX/logs/error.log.
    private func startNginx(prefix: URL, logFile: URL) throws -> Process {
        try Deploy.start(
            try Deploy.tool("nginx"),
            ["-p", prefix.path + "/", "-c", "conf/nginx.conf", "-e", "logs/error.log", "-g", "daemon off;"],
            logFile: logFile
        )
    }

    private func log(_ file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? "(no \(file.lastPathComponent))"
    }

    private func checkNginxError(
        _ response: HTTPResult, code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        checkSecurityHeaders(response, sourceLocation: sourceLocation)
        #expect(
            response.values("content-type") == ["application/json"],
            "\(response.headers)",
            sourceLocation: sourceLocation
        )
        let json = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        let error = json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == code, "body: \(response.body)", sourceLocation: sourceLocation)
        #expect(error?["message"] is String, "body: \(response.body)", sourceLocation: sourceLocation)
        #expect(
            error?["request_id"] as? String == response.values("x-request-id").first,
            "request_id must equal the X-Request-Id header: \(response.body)",
            sourceLocation: sourceLocation
        )
    }

    private func checkSecurityHeaders(_ response: HTTPResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, value) in Self.securityHeaders {
            #expect(response.values(name) == [value], "header \(name)", sourceLocation: sourceLocation)
        }
        #expect(response.values("x-request-id").count == 1, "X-Request-Id", sourceLocation: sourceLocation)
        #expect(response.values("server") == ["nginx"], "server_tokens off", sourceLocation: sourceLocation)
    }
}

// MARK: - Minimal nginx config parsing

/// Removes `#` comments (the configs have no `#` inside quoted strings).
func stripComments(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { line in line.firstIndex(of: "#").map { String(line[..<$0]) } ?? String(line) }
        .joined(separator: "\n")
}

/// Every `name ... { ... }` block in `text`: the header (`location @x`) and the body between the braces,
/// nested blocks included.
func blocks(named name: String, in text: String) -> [(header: String, body: String)] {
    let units = Array(text.utf16)
    var result: [(String, String)] = []
    let pattern = try! NSRegularExpression(pattern: #"(?m)(?:^|[;{}\s])(\#(name)\s[^{;]*)\{"#)
    let nsText = text as NSString
    for match in pattern.matches(in: text, range: NSRange(location: 0, length: nsText.length)) {
        let header = nsText.substring(with: match.range(at: 1)).trimmingCharacters(in: .whitespacesAndNewlines)
        // Walk (in UTF-16 units, like NSRange) from the opening brace to its partner.
        let start = match.range.location + match.range.length
        var index = start
        var depth = 1
        while index < units.count {
            if units[index] == UInt16(UInt8(ascii: "{")) { depth += 1 }
            if units[index] == UInt16(UInt8(ascii: "}")) { depth -= 1 }
            if depth == 0 { break }
            index += 1
        }
        result.append((header, nsText.substring(with: NSRange(location: start, length: index - start))))
    }
    return result
}

func replacing(_ pattern: String, in text: String, with template: String) -> String {
    text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
}

func captures(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern)
    let nsText = text as NSString
    return regex.matches(in: text, range: NSRange(location: 0, length: nsText.length)).map {
        nsText.substring(with: $0.range(at: 1))
    }
}
