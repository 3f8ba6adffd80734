"""Local stand-in for the OpenAI and Anthropic cost/usage admin APIs, for TallySourcesTests (python stdlib only).

    python3 llm_cost_fixture_server.py PORT_FILE SCENARIO_JSON REQUEST_LOG

Binds 127.0.0.1 on a free port and writes the port to PORT_FILE (atomically). Serves, following the providers'
documented formats:

  OpenAI    GET /v1/organization/costs, GET /v1/organization/usage/completions
            (Authorization: Bearer <key>; start_time/end_time Unix seconds, bucket_width=1d, limit, group_by,
            page; the first bucket starts exactly at start_time, as OpenAI's does)
  Anthropic GET /v1/organizations/cost_report, GET /v1/organizations/usage_report/messages,
            GET /v1/organizations/me
            (x-api-key + anthropic-version; starting_at/ending_at RFC 3339, snapped to UTC midnight; group_by[];
            page)

Data come from SCENARIO_JSON: {"openai": {...}, "anthropic": {...}}, each with "key", "organization"
(Anthropic: {"id", "name"}), per endpoint a map day -> results ("costs", "usage", "cost_report",
"usage_report"), "page_size" (buckets per page, at most the request's limit) and "faults":
  "status_first": {"<endpoint>": [429, 503, ...]}   statuses answered before the real one (429 with Retry-After: 1)
  "malformed_page": {"<endpoint>": N}                page N's body is not JSON
  "unaligned_first_bucket_seconds": S               the first bucket starts S seconds after the requested start
POST /__fixture/scenario with a scenario as its body replaces the scenario (and resets the fault counters), so a
test can restate data or inject a fault between two runs. Every GET is appended to REQUEST_LOG as one JSON line (path, query, whether the credentials matched; never
the credentials themselves). The server exits when its parent dies or after 300 s.
"""

import base64
import datetime
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

DAY = 86400
lock = threading.Lock()
counters = {}


def day_text(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%d")


def rfc3339(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    scenario = {}
    log_path = ""

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        routes = {
            "/v1/organization/costs": ("openai", "costs"),
            "/v1/organization/usage/completions": ("openai", "usage"),
            "/v1/organizations/cost_report": ("anthropic", "cost_report"),
            "/v1/organizations/usage_report/messages": ("anthropic", "usage_report"),
            "/v1/organizations/me": ("anthropic", "me"),
        }
        if url.path not in routes:
            return self.reply(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        provider, endpoint = routes[url.path]
        config = self.scenario.get(provider, {})
        if provider == "openai":
            authorized = self.headers.get("Authorization") == "Bearer " + config.get("key", "")
        else:
            authorized = self.headers.get("x-api-key") == config.get("key", "") and self.headers.get(
                "anthropic-version") == "2023-06-01"
        with open(self.log_path, "a") as log:
            log.write(json.dumps({"path": url.path, "query": query, "authorized": authorized}) + "\n")
        if not authorized:
            return self.error(provider, 401, "authentication_error", "invalid x-api-key")
        faults = config.get("faults", {})
        with lock:
            count = counters.get(url.path, 0)
            counters[url.path] = count + 1
        early = faults.get("status_first", {}).get(endpoint, [])
        if count < len(early):
            status = early[count]
            headers = [("Retry-After", "1")] if status == 429 else []
            return self.error(provider, status, "rate_limit_error" if status == 429 else "api_error", "try later",
                              headers)
        if endpoint == "me":
            organization = config.get("organization", {})
            return self.reply(200, {"id": organization.get("id"), "type": "organization",
                                    "name": organization.get("name")}, [("request-id", "req_fixture")])
        if provider == "openai":
            start = int(query["start_time"][0])
            end = int(query.get("end_time", [str(start + 7 * DAY)])[0])
            if query.get("bucket_width", ["1d"])[0] != "1d":
                return self.error(provider, 400, "invalid_request_error", "bucket_width")
            limit = int(query.get("limit", ["7"])[0])
        else:
            start = parse_rfc3339(query["starting_at"][0]) // DAY * DAY
            end = parse_rfc3339(query.get("ending_at", [rfc3339(start + 7 * DAY)])[0])
            limit = int(query.get("limit", ["7"])[0])
        buckets = []
        cursor = start
        shift = faults.get("unaligned_first_bucket_seconds", 0)
        while cursor < end:
            bucket_start = cursor + shift if cursor == start else cursor
            bucket_end = min((cursor // DAY + 1) * DAY, end)
            results = config.get(endpoint, {}).get(day_text(cursor), [])
            buckets.append((bucket_start, bucket_end, results))
            cursor = bucket_end
        size = max(1, min(limit, config.get("page_size", limit)))
        offset = 0
        if "page" in query:
            offset = int(base64.urlsafe_b64decode(query["page"][0].encode()).decode().split(":")[1])
        page = buckets[offset:offset + size]
        page_number = offset // size + 1
        if faults.get("malformed_page", {}).get(endpoint) == page_number:
            return self.reply(200, b'{"data": [{"start_time": 1, "results": [')
        has_more = offset + size < len(buckets)
        next_page = base64.urlsafe_b64encode(("page:%d:%s" % (offset + size, endpoint)).encode()).decode() \
            if has_more else None
        if provider == "openai":
            data = [{"object": "bucket", "start_time": s, "end_time": e, "results": r} for s, e, r in page]
            body = {"object": "page", "data": data, "has_more": has_more, "next_page": next_page}
        else:
            data = [{"starting_at": rfc3339(s), "ending_at": rfc3339(e), "results": r} for s, e, r in page]
            body = {"data": data, "has_more": has_more, "next_page": next_page}
        self.reply(200, body, [("request-id", "req_fixture")])

    def do_POST(self):
        if self.path != "/__fixture/scenario":
            return self.reply(404, {"error": "not found"})
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            Handler.scenario = json.loads(body)
            counters.clear()
        self.reply(200, {"ok": True})

    def error(self, provider, status, kind, message, headers=()):
        if provider == "openai":
            body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
        else:
            body = {"type": "error", "error": {"type": kind, "message": message}}
        self.reply(status, body, list(headers) + [("request-id", "req_fixture")])


def watch_parent(parent):
    deadline = time.time() + 300
    while time.time() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    port_file, scenario_file, log_file = sys.argv[1:4]
    with open(scenario_file) as handle:
        Handler.scenario = json.load(handle)
    Handler.log_path = log_file
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    with open(port_file + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
