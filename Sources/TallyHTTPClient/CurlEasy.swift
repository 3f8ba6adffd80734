internal import CCurl

/// The only code that touches libcurl and its pointers: one easy handle, configured afresh for each transfer.
///
/// Not thread-safe; `CurlHandlePool` lends each handle to one thread at a time. `curl_easy_reset` keeps the
/// handle's live connections, TLS sessions and DNS cache, so reusing a handle reuses its connections.
final class CurlEasy {
    /// `curl_global_init` is not thread-safe; a static `let` runs it exactly once, under the runtime's lock.
    private static let globalInitCode: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Runs `curl_global_init` if it has not run yet; call it before starting threads.
    static func initializeLibrary() throws(HTTPClientError) {
        let code = globalInitCode
        guard code == CURLE_OK else { throw .curl(code: Int(code.rawValue), message: "curl_global_init failed") }
    }

    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(HTTPClientError) {
        try Self.initializeLibrary()
        guard let handle = curl_easy_init() else {
            throw .curl(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one transfer. `request` must already be validated and `url` parsed from it.
    func perform(
        _ request: HTTPClientRequest,
        url: RequestURL,
        configuration: HTTPClient.Configuration
    ) throws(HTTPClientError) -> HTTPClientResponse {
        errorBuffer[0] = 0
        let accumulator = ResponseAccumulator(limit: configuration.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            // Back to defaults, so the idle handle keeps no pointer to this call's header list or accumulator.
            curl_easy_reset(handle)
            curl_slist_free_all(headerList)
        }

        try configureTransport(configuration)
        try configureMethodAndBody(request)
        headerList = try makeHeaderList(request)
        try setString(CURLOPT_URL, request.url)
        try check(tally_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        try installCallbacks(accumulator)

        let code = withExtendedLifetime(accumulator) { curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            throw error(for: code, accumulator: accumulator, request: request, url: url)
        }
        var status = 0
        try check(tally_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        return accumulator.response(status: status)
    }

    private func configureTransport(_ configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        try check(tally_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try setLong(CURLOPT_NOSIGNAL, 1)
        try setString(CURLOPT_PROTOCOLS_STR, "http,https")
        try setLong(CURLOPT_FOLLOWLOCATION, 0)
        try setLong(CURLOPT_TCP_KEEPALIVE, 1)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.timeoutMilliseconds)
        try setLong(CURLOPT_TIMEOUT_MS, configuration.timeout.timeoutMilliseconds)
        try setOffset(CURLOPT_MAXFILESIZE_LARGE, configuration.maxResponseBytes)
        try setString(CURLOPT_USERAGENT, configuration.userAgent)
        let version = configuration.httpVersion == .http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1
        try setLong(CURLOPT_HTTP_VERSION, Int(version))
        try setLong(CURLOPT_SSL_VERIFYPEER, configuration.verifyPeer ? 1 : 0)
        try setLong(CURLOPT_SSL_VERIFYHOST, configuration.verifyPeer ? 2 : 0)
        if let caFile = configuration.caFile {
            try setString(CURLOPT_CAINFO, caFile)
        }
    }

    private func configureMethodAndBody(_ request: HTTPClientRequest) throws(HTTPClientError) {
        switch (request.method, request.body) {
        case ("GET", nil):
            try setLong(CURLOPT_HTTPGET, 1)
        case ("HEAD", _):
            try setLong(CURLOPT_NOBODY, 1)
        case (let method, nil) where method != "POST":
            try setString(CURLOPT_CUSTOMREQUEST, method)
        case (let method, let body):
            // COPYPOSTFIELDS copies the bytes (NULs included, since the size is set first) and selects POST;
            // CUSTOMREQUEST then renames the method while keeping the body. An empty body still needs a valid
            // pointer, hence the one-byte stand-in (size 0 copies nothing).
            let bytes = body ?? []
            let storage = bytes.isEmpty ? [0] : bytes
            try setOffset(CURLOPT_POSTFIELDSIZE_LARGE, bytes.count)
            try check(
                storage.withUnsafeBytes { raw in
                    let pointer = UnsafeMutableRawPointer(mutating: raw.baseAddress)
                    return tally_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, pointer)
                }
            )
            if method != "POST" {
                try setString(CURLOPT_CUSTOMREQUEST, method)
            }
        }
    }

    private func makeHeaderList(
        _ request: HTTPClientRequest
    ) throws(HTTPClientError) -> UnsafeMutablePointer<curl_slist>? {
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // An empty value removes libcurl's own header: no `Expect: 100-continue` round trip, and no
        // form-urlencoded content type claimed for a body the caller did not type.
        if request.header("Expect") == nil { lines.append("Expect:") }
        if request.header("Content-Type") == nil { lines.append("Content-Type:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .curl(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
            }
            list = extended
        }
        return list
    }

    private func installCallbacks(_ accumulator: ResponseAccumulator) throws(HTTPClientError) {
        let context = Unmanaged.passUnretained(accumulator).toOpaque()
        try check(tally_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        try check(tally_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        try check(tally_curl_setopt_write_callback(handle, Self.writeCallback))
        try check(tally_curl_setopt_header_callback(handle, Self.headerCallback))
    }

    /// Body bytes into the accumulator; returning 0 past the size limit makes libcurl abort the transfer.
    private static let writeCallback: tally_curl_data_callback = { data, size, count, context in
        let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context!).takeUnretainedValue()
        return accumulator.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    /// One header line at a time, status lines of interim responses included.
    private static let headerCallback: tally_curl_data_callback = { data, size, count, context in
        let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context!).takeUnretainedValue()
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
        accumulator.receiveHeaderLine(line)
        return size * count
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(tally_curl_setopt_long(handle, option, value))
    }

    private func setOffset(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(tally_curl_setopt_off_t(handle, option, curl_off_t(value)))
    }

    /// libcurl copies string options, so the temporary C string only has to outlive the call.
    private func setString(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(tally_curl_setopt_string(handle, option, value))
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        throw .curl(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
    }

    /// Maps a failed transfer to a typed error whose message names the method and redacted URL, never headers
    /// or bodies; libcurl's text is scrubbed of header values and query parts in case it echoes them.
    private func error(
        for code: CURLcode,
        accumulator: ResponseAccumulator,
        request: HTTPClientRequest,
        url: RequestURL
    ) -> HTTPClientError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let secrets = request.headers.map(\.value) + url.secretParts
        let message = HTTPClientError.scrub("\(request.method) \(url.redacted): \(detail)", secrets: secrets)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_WRITE_ERROR where accumulator.exceededLimit:
            return .tooLarge
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connectionFailed(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE:
            return .tls(message)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidRequest(message)
        default:
            return .curl(code: Int(code.rawValue), message: message)
        }
    }
}
