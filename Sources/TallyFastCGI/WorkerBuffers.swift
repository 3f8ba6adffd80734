import TallyHTTP

/// Storage one worker thread reuses for every request it serves: a warm request then copies its params
/// and renders its response without allocating.
struct WorkerBuffers {
    /// Larger response buffers are dropped after use, so that one big response does not pin its memory in
    /// the worker for the life of the process.
    static let keptOutputCapacity = 64 * 1024

    var params = CGIParams()
    var output: [UInt8] = []

    /// Renders `response` into `output`, replacing what the previous request left there.
    mutating func render(_ response: Response) {
        output.removeAll(keepingCapacity: true)
        response.writeCGI(into: &output)
    }

    /// Called once the response is written.
    mutating func releaseLargeOutput() {
        if output.capacity > Self.keptOutputCapacity { output = [] }
    }
}
