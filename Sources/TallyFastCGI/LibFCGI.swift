internal import CFastCGI
import TallyHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The only code that touches libfcgi. One instance per worker thread: libfcgi requests are not shared.
///
/// Pointers libfcgi hands out (params, streams) are valid only until the next accept or finish, so
/// everything is copied into Swift values before this type returns it.
final class LibFCGI {
    /// Calls `FCGX_Init` once, before any worker thread starts. Returns false when libfcgi fails to start.
    static func initialize() -> Bool {
        FCGX_Init() == 0
    }

    /// Makes accept loops return; safe from any thread.
    static func requestShutdown() {
        FCGX_ShutdownPending()
    }

    private let request: UnsafeMutablePointer<FCGX_Request>

    init(listenFD: Int32) {
        request = .allocate(capacity: 1)
        FCGX_InitRequest(request, listenFD, 0)
    }

    deinit {
        FCGX_Free(request, 1)
        request.deallocate()
    }

    /// Waits for the next request; returns 0, or a negative errno (`-EINTR` when woken for shutdown).
    func accept() -> Int32 {
        FCGX_Accept_r(request)
    }

    /// Ends the current request: flushes the output (writing END_REQUEST) and closes the connection.
    func finish() {
        FCGX_Finish_r(request)
    }

    /// Copies the request's params whose names pass `isWanted` into `params`, which the worker reuses (a warm
    /// copy allocates nothing).
    func readParams(into params: inout CGIParams, where isWanted: (UnsafeBufferPointer<UInt8>) -> Bool) {
        params.removeAll()
        guard var cursor = request.pointee.envp else { return }
        while let entry = cursor.pointee {
            let start = UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self)
            params.append(entry: UnsafeBufferPointer(start: start, count: strlen(entry)), where: isWanted)
            cursor += 1
        }
    }

    /// Reads up to `count` body bytes; fewer means the stream ended.
    func read(upTo count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        let read = buffer.withUnsafeMutableBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: count) { pointer in
                FCGX_GetStr(pointer, Int32(count), request.pointee.in)
            }
        }
        buffer.removeLast(count - max(0, Int(read)))
        return buffer
    }

    /// Reads and discards one body byte; false when the body is empty. Cheaper than `read(upTo: 1)`.
    func readOneByte() -> Bool {
        FCGX_GetChar(request.pointee.in) != EOF
    }

    /// Writes the response bytes; false when the peer has gone away.
    func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let written = bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { pointer in
                FCGX_PutStr(pointer, Int32(raw.count), request.pointee.out)
            }
        }
        return written == Int32(bytes.count)
    }
}
