import TallyHTTP

/// Storage one worker thread reuses for every request it serves: a warm request then copies its params
/// without allocating.
struct WorkerBuffers {
    var params = CGIParams()
}
