extension Duration {
    /// Whole nanoseconds, clamped to `0...Int64.max`: negative durations mean "no wait", huge ones saturate.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, overflowAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowAgain ? .max : total
    }

    /// Whole milliseconds, at least 1: libcurl reads a zero timeout as "wait forever".
    var timeoutMilliseconds: Int {
        Int(max(1, clampedNanoseconds / 1_000_000))
    }
}
