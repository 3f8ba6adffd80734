#!/usr/bin/env python3
"""Tally's test double for Cloud KMS v1, the OAuth2 token endpoint and the GCE metadata server.

Stdlib only. Usage: google-double.py [PORT]   (0 or absent: pick a free port)
Binds 127.0.0.1 only and prints its base URL as the first stdout line. State (tokens, key rings, keys,
recorded requests) lives in memory. Exits when its parent process dies, so a crashed test run leaves
nothing behind.

Test-only endpoints:
  GET  /__requests  every request received except /__ ones, in order: method, path, query, headers, body (text)
  POST /__control   JSON switches, each optional:
        fail_next: [503, 429, ...]   the next /v1 (KMS) requests answer these statuses, in order
        fail_next_token: [503, ...]  the same for /token and metadata token requests
        corrupt_crc: true|false|N    wrong ciphertextCrc32c/plaintextCrc32c in KMS answers (N: next N only)
        unverified_crc: true|false|N verified...Crc32c flags forced to false (N: next N only)
        expire_tokens: true          every token issued so far stops being valid (401 from then on)
        token_ttl: seconds           expires_in (and real lifetime) of tokens issued from now on
        omit_metadata_flavor: bool   metadata answers lack the Metadata-Flavor header
        reset_requests: true         clears the request log
Ciphertexts are this double's own opaque format (HMAC-SHA256 keystream + tag, bound to key and AAD).
"""

import base64, binascii, hashlib, hmac, http.server, json, os, re, secrets, sys, threading, time
import urllib.parse

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,63}$")
MAX_BYTES = 65536
MAGIC = b"TDK1"
PROTECTION_LEVELS = ["PROTECTION_LEVEL_UNSPECIFIED", "SOFTWARE", "HSM", "EXTERNAL", "EXTERNAL_VPC"]
ENCRYPT_FIELDS = {"plaintext", "additionalAuthenticatedData", "plaintextCrc32c", "additionalAuthenticatedDataCrc32c"}
DECRYPT_FIELDS = {"ciphertext", "additionalAuthenticatedData", "ciphertextCrc32c", "additionalAuthenticatedDataCrc32c"}


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


class ApiError(Exception):
    def __init__(self, code, status, message):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message


def invalid(message):
    return ApiError(400, "INVALID_ARGUMENT", message)


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


class Key:
    def __init__(self, name):
        self.name, self.created = name, now_rfc3339()
        secret = os.urandom(32)
        self.enc_key = hmac.new(secret, b"enc", hashlib.sha256).digest()
        self.mac_key = hmac.new(secret, b"mac", hashlib.sha256).digest()

    def resource(self):
        return {
            "name": self.name, "purpose": "ENCRYPT_DECRYPT", "createTime": self.created,
            "primary": {"name": self.name + "/cryptoKeyVersions/1", "state": "ENABLED", "createTime": self.created,
                        "protectionLevel": "SOFTWARE", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"},
            "versionTemplate": {"protectionLevel": "SOFTWARE", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"},
        }

    def _stream(self, nonce, length):
        out, counter = b"", 0
        while len(out) < length:
            out += hmac.new(self.enc_key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
            counter += 1
        return out[:length]

    def _tag(self, nonce, body, aad):
        name = self.name.encode()
        data = MAGIC + len(name).to_bytes(4, "big") + name + len(aad).to_bytes(4, "big") + aad + nonce + body
        return hmac.new(self.mac_key, data, hashlib.sha256).digest()

    def encrypt(self, plaintext, aad):
        nonce = os.urandom(16)
        body = bytes(a ^ b for a, b in zip(plaintext, self._stream(nonce, len(plaintext))))
        return MAGIC + nonce + body + self._tag(nonce, body, aad)

    def decrypt(self, blob, aad):
        if len(blob) < 52 or not blob.startswith(MAGIC):
            return None
        nonce, body, tag = blob[4:20], blob[20:-32], blob[-32:]
        if not hmac.compare_digest(tag, self._tag(nonce, body, aad)):
            return None
        return bytes(a ^ b for a, b in zip(body, self._stream(nonce, len(body))))


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = {}  # token -> expiry (time.monotonic())
        self.rings = {}  # name -> createTime
        self.keys = {}  # name -> Key
        self.requests = []
        self.fail_next, self.fail_next_token = [], []
        self.corrupt_crc = self.unverified_crc = False
        self.token_ttl, self.omit_flavor = 3599, False

    def issue_token(self):
        with self.lock:
            token = "ya29.fake-" + secrets.token_urlsafe(24)
            self.tokens[token] = time.monotonic() + self.token_ttl
            return {"access_token": token, "expires_in": self.token_ttl, "token_type": "Bearer"}

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and time.monotonic() < expiry

    def take(self, switch):
        """Consumes one use of a bool-or-count switch; returns whether it applies to this answer."""
        with self.lock:
            value = getattr(self, switch)
            if value is True or value is False:
                return value
            setattr(self, switch, value - 1 if value > 1 else False)
            return value >= 1

    def pop_failure(self, queue):
        with self.lock:
            failures = getattr(self, queue)
            return failures.pop(0) if failures else None


STATE = State()
FAILURE_STATUS = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
                  504: "DEADLINE_EXCEEDED", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}


def decode_bytes(body, field):
    value = body.get(field)
    if value is None:
        return b""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9+/_-]*={0,2}", value):
        raise invalid(f"Invalid value at '{field}' (TYPE_BYTES), Base64 decoding failed.")
    try:
        text = value.replace("-", "+").replace("_", "/")
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"Invalid value at '{field}' (TYPE_BYTES), Base64 decoding failed.")


def check_crc(body, field, data, crc_field):
    """Checks an optional int64 CRC32C field; returns True when it was present (and matched)."""
    value = body.get(crc_field)
    if value is None:
        return False
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not re.fullmatch(r"\d{1,20}", str(value)):
        raise invalid(f"Invalid value at '{crc_field}' (TYPE_INT64), \"{value}\"")
    if int(value) != crc32c(data):
        snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), crc_field)
        raise invalid(f"The checksum in field {snake} did not match the data in field {field}.")
    return True


def b64(data):
    return base64.b64encode(data).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "google-double/1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload, content_type="application/json; charset=UTF-8", headers=()):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply_error(self, error, headers=()):
        envelope = {"error": {"code": error.code, "message": error.message, "status": error.status}}
        self.reply(error.code, envelope, headers=headers)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not url.path.startswith("/__"):
            with STATE.lock:
                STATE.requests.append({
                    "method": self.command, "path": url.path, "query": url.query,
                    "headers": {k.lower(): v for k, v in self.headers.items()}, "body": raw.decode("utf-8", "replace"),
                })
        try:
            if url.path == "/healthz" and self.command == "GET":
                return self.reply(200, {"status": "ok"})
            if url.path == "/__requests" and self.command == "GET":
                with STATE.lock:
                    recorded = list(STATE.requests)
                return self.reply(200, recorded)
            if url.path == "/__control" and self.command == "POST":
                return self.control(raw)
            if url.path == "/token" and self.command == "POST":
                return self.token(raw)
            if url.path.startswith("/computeMetadata/v1/"):
                return self.metadata(url)
            if url.path.startswith("/v1/"):
                return self.kms(url, raw)
            raise ApiError(404, "NOT_FOUND", f"The requested URL {url.path} was not found on this server.")
        except ApiError as error:
            self.reply_error(error)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def control(self, raw):
        switches = json.loads(raw or b"{}")
        with STATE.lock:
            STATE.fail_next += switches.get("fail_next", [])
            STATE.fail_next_token += switches.get("fail_next_token", [])
            for name in ("corrupt_crc", "unverified_crc"):
                if name in switches:
                    setattr(STATE, name, switches[name])
            if switches.get("expire_tokens"):
                STATE.tokens.clear()
            if "token_ttl" in switches:
                STATE.token_ttl = int(switches["token_ttl"])
            if "omit_metadata_flavor" in switches:
                STATE.omit_flavor = bool(switches["omit_metadata_flavor"])
            if switches.get("reset_requests"):
                STATE.requests.clear()
        self.reply(200, {"ok": True})

    def injected_failure(self, queue):
        status = STATE.pop_failure(queue)
        if status is None:
            return None
        return ApiError(status, FAILURE_STATUS.get(status, "UNKNOWN"), f"Injected failure {status}.")

    # OAuth2 token endpoint -------------------------------------------------------------------------------------

    def token(self, raw):
        failure = self.injected_failure("fail_next_token")
        if failure:
            return self.reply(failure.code, {"error": "internal_failure", "error_description": failure.message})
        form = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
        if form.get("grant_type") != JWT_GRANT:
            return self.reply(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type."})
        reasons = self.jwt_problems(form.get("assertion", ""))
        if reasons:
            description = "Invalid JWT: " + "; ".join(reasons)
            return self.reply(400, {"error": "invalid_grant", "error_description": description})
        self.reply(200, STATE.issue_token(), headers=[("Cache-Control", "no-cache, no-store")])

    def jwt_problems(self, assertion):
        parts = assertion.split(".")
        if len(parts) != 3:
            return ["not three segments"]

        def segment(text):
            return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

        try:
            header, claims = segment(parts[0]), segment(parts[1])
        except (ValueError, binascii.Error):
            return ["segments are not base64url JSON"]
        problems, now = [], time.time()
        if header.get("alg") != "RS256":
            problems.append("alg must be RS256")
        if "@" not in str(claims.get("iss", "")):
            problems.append("iss is not a service account e-mail")
        if not str(claims.get("scope", "")).strip():
            problems.append("scope is empty")
        if not str(claims.get("aud", "")).endswith("/token"):
            problems.append("aud is not the token URI")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            problems.append("iat and exp must be integers")
        else:
            if abs(iat - now) > 300:
                problems.append("Token must be a short-lived token (60 minutes) and in a reasonable timeframe")
            if not 0 < exp - iat <= 3600:
                problems.append("exp - iat must be in (0, 3600]")
        if not parts[2]:
            problems.append("signature missing")
        return problems

    # Metadata server -------------------------------------------------------------------------------------------

    def metadata(self, url):
        flavor = [] if STATE.omit_flavor else [("Metadata-Flavor", "Google")]
        text = "text/plain; charset=utf-8"
        if self.headers.get("Metadata-Flavor") != "Google" or self.headers.get("X-Forwarded-For"):
            return self.reply(403, b"Missing Metadata-Flavor:Google header.", text, flavor)
        path = url.path[len("/computeMetadata/v1/"):]
        account = "instance/service-accounts/default/"
        if path == account + "token":
            failure = self.injected_failure("fail_next_token")
            if failure:
                return self.reply(failure.code, failure.message.encode(), text, flavor)
            return self.reply(200, STATE.issue_token(), headers=flavor)
        if path == account:
            scopes = ["https://www.googleapis.com/auth/cloud-platform"]
            return self.reply(200, {"aliases": ["default"], "email": "tally@double.iam.gserviceaccount.com",
                                    "scopes": scopes}, headers=flavor)
        if path == account + "email":
            return self.reply(200, b"tally@double.iam.gserviceaccount.com", text, flavor)
        if path == "project/project-id":
            return self.reply(200, b"tally-double", text, flavor)
        self.reply(404, b"Not Found", text, flavor)

    # Cloud KMS v1 ----------------------------------------------------------------------------------------------

    def kms(self, url, raw):
        failure = self.injected_failure("fail_next")
        if failure:
            raise failure
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not STATE.token_valid(auth[len("Bearer "):]):
            message = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                       "cookie or other valid authentication credential.")
            return self.reply_error(ApiError(401, "UNAUTHENTICATED", message),
                                    [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')])
        body = {}
        if self.command == "POST":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                raise invalid("Invalid JSON payload received.")
            if not isinstance(body, dict):
                raise invalid("Invalid JSON payload received.")
        name, _, verb = url.path[len("/v1/"):].partition(":")
        query = dict(urllib.parse.parse_qsl(url.query))
        segments = name.split("/")
        ring_pattern = ["projects", None, "locations", None, "keyRings"]
        if [s if p else None for s, p in zip(segments, ring_pattern)] != ring_pattern or not all(segments):
            raise ApiError(404, "NOT_FOUND", f"The requested URL {url.path} was not found on this server.")
        if len(segments) == 5 and self.command == "POST" and not verb:
            return self.create_ring(name, query.get("keyRingId", ""))
        if len(segments) == 6 and self.command == "GET" and not verb:
            return self.get_ring(name)
        if len(segments) == 7 and segments[6] == "cryptoKeys" and self.command == "POST" and not verb:
            return self.create_key(name, query.get("cryptoKeyId", ""), body)
        if len(segments) == 8 and segments[6] == "cryptoKeys":
            if self.command == "GET" and not verb:
                return self.reply(200, self.key(name).resource())
            if self.command == "POST" and verb == "encrypt":
                return self.encrypt(self.key(name), body)
            if self.command == "POST" and verb == "decrypt":
                return self.decrypt(self.key(name), body)
        if len(segments) == 10 and segments[8] == "cryptoKeyVersions" and segments[9] == "1" and verb == "encrypt":
            return self.encrypt(self.key("/".join(segments[:8])), body)
        raise ApiError(404, "NOT_FOUND", f"The requested URL {url.path} was not found on this server.")

    def create_ring(self, parent, ring_id):
        if not ID_PATTERN.match(ring_id):
            raise invalid("Invalid value for keyRingId: must match [a-zA-Z0-9_-]{1,63}.")
        name = f"{parent}/{ring_id}"
        with STATE.lock:
            if name in STATE.rings:
                raise ApiError(409, "ALREADY_EXISTS", f"KeyRing {name} already exists.")
            STATE.rings[name] = now_rfc3339()
        self.reply(200, {"name": name, "createTime": STATE.rings[name]})

    def get_ring(self, name):
        with STATE.lock:
            created = STATE.rings.get(name)
        if created is None:
            raise ApiError(404, "NOT_FOUND", f"KeyRing {name} not found.")
        self.reply(200, {"name": name, "createTime": created})

    def create_key(self, parent, key_id, body):
        ring = parent[: -len("/cryptoKeys")]
        if not ID_PATTERN.match(key_id):
            raise invalid("Invalid value for cryptoKeyId: must match [a-zA-Z0-9_-]{1,63}.")
        if body.get("purpose") not in ("ENCRYPT_DECRYPT", 1):
            raise invalid("Only purpose ENCRYPT_DECRYPT is supported by this double.")
        name = f"{parent}/{key_id}"
        with STATE.lock:
            if ring not in STATE.rings:
                raise ApiError(404, "NOT_FOUND", f"KeyRing {ring} not found.")
            if name in STATE.keys:
                raise ApiError(409, "ALREADY_EXISTS", f"CryptoKey {name} already exists.")
            STATE.keys[name] = Key(name)
            resource = STATE.keys[name].resource()
        self.reply(200, resource)

    def key(self, name):
        with STATE.lock:
            key = STATE.keys.get(name)
        if key is None:
            raise ApiError(404, "NOT_FOUND", f"CryptoKey {name} not found.")
        return key

    @staticmethod
    def check_fields(body, allowed):
        for field in body:
            if field not in allowed:
                raise invalid(f'Invalid JSON payload received. Unknown name "{field}": Cannot find field.')

    def encrypt(self, key, body):
        self.check_fields(body, ENCRYPT_FIELDS)
        if "plaintext" not in body:
            raise invalid("plaintext is required.")
        plaintext = decode_bytes(body, "plaintext")
        aad = decode_bytes(body, "additionalAuthenticatedData")
        if len(plaintext) > MAX_BYTES or len(aad) > MAX_BYTES:
            raise invalid("The plaintext or additional authenticated data is larger than 64KiB.")
        verified_plaintext = check_crc(body, "plaintext", plaintext, "plaintextCrc32c")
        verified_aad = check_crc(body, "additional_authenticated_data", aad, "additionalAuthenticatedDataCrc32c")
        if STATE.take("unverified_crc"):
            verified_plaintext = verified_aad = False
        ciphertext = key.encrypt(plaintext, aad)
        crc = crc32c(ciphertext) ^ (1 if STATE.take("corrupt_crc") else 0)
        self.reply(200, {
            "name": key.name + "/cryptoKeyVersions/1", "ciphertext": b64(ciphertext), "ciphertextCrc32c": str(crc),
            "verifiedPlaintextCrc32c": verified_plaintext, "verifiedAdditionalAuthenticatedDataCrc32c": verified_aad,
            "protectionLevel": "SOFTWARE",
        })

    def decrypt(self, key, body):
        self.check_fields(body, DECRYPT_FIELDS)
        if "ciphertext" not in body:
            raise invalid("ciphertext is required.")
        ciphertext = decode_bytes(body, "ciphertext")
        aad = decode_bytes(body, "additionalAuthenticatedData")
        check_crc(body, "ciphertext", ciphertext, "ciphertextCrc32c")
        check_crc(body, "additional_authenticated_data", aad, "additionalAuthenticatedDataCrc32c")
        plaintext = key.decrypt(ciphertext, aad)
        if plaintext is None:
            raise invalid("Decryption failed: the ciphertext is invalid.")
        crc = crc32c(plaintext) ^ (1 if STATE.take("corrupt_crc") else 0)
        self.reply(200, {"plaintext": b64(plaintext), "plaintextCrc32c": str(crc), "usedPrimary": True,
                         "protectionLevel": "SOFTWARE"})


def exit_with_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
