/// The Python side of `TestServer`: a threaded HTTP/1.1 server with keep-alive whose routes produce the cases
/// the client must handle. It writes its port to the file named by `argv[1]` (atomically, via rename), serves TLS
/// when given a certificate and key, and exits by itself when its parent dies or after 300 s, so a crashed test
/// run cannot leave it behind.
enum TestServerScript {
    static let source = #"""
        import http.server, json, os, ssl, sys, threading, time, urllib.parse

        hits, lock = {}, threading.Lock()


        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def handle_any(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                route = getattr(self, "route_" + url.path.strip("/"), None)
                if route is None:
                    return self.reply(404, b"no such route")
                route(query, body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any

            def route_echo(self, query, body):
                echo = {
                    "method": self.command, "path": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                    "body": body.decode("utf-8", "replace"), "bodyHex": body.hex(), "clientPort": self.client_address[1],
                }
                self.reply(int(query.get("status", 200)), json.dumps(echo).encode(), [("Content-Type", "application/json")])

            def route_sleep(self, query, body):
                time.sleep(int(query["ms"]) / 1000)
                self.reply(200, b"slept")

            def route_big(self, query, body):
                size = int(query["bytes"])
                if query.get("chunked") != "1":
                    return self.reply(200, b"x" * size)
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while size > 0:
                    chunk = b"x" * min(size, 65536)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    size -= len(chunk)
                self.wfile.write(b"0\r\n\r\n")

            def route_flaky(self, query, body):
                with lock:
                    count = hits[query["key"]] = hits.get(query["key"], 0) + 1
                if count <= int(query["failures"]):
                    extra = [("Retry-After", query["retryAfter"])] if "retryAfter" in query else []
                    return self.reply(int(query["status"]), b"try again", extra)
                self.reply(200, json.dumps({"hits": count}).encode())

            def route_hits(self, query, body):
                with lock:
                    count = hits.get(query["key"], 0)
                self.reply(200, json.dumps({"hits": count}).encode())

            def route_interim(self, query, body):
                self.wfile.write(b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")
                self.reply(200, b"final", [("X-Final", "yes")])

            def route_headers(self, query, body):
                headers = [("X-Custom-Header", "abc"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
                self.reply(204 if query.get("empty") else 200, b"" if query.get("empty") else b"ok", headers)


        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass


        def watchdog(parent):
            deadline = time.monotonic() + 300
            while os.getppid() == parent and time.monotonic() < deadline:
                time.sleep(0.2)
            os._exit(0)


        server = Server(("127.0.0.1", 0), Handler)
        if len(sys.argv) > 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
        with open(sys.argv[1] + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
        server.serve_forever()
        """#
}
