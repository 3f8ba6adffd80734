import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct UsageError: Error {
    var message: String
}

enum Usage {
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tally-bench: \(message)\n".utf8))
        exit(2)
    }
}

/// `--name value` pairs; a name may repeat (`--tenant a:KEY --tenant b:KEY`).
struct Options {
    private var values: [String: [String]] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else {
                throw UsageError(message: "expected --name value pairs, got '\(name)'")
            }
            values[String(name.dropFirst(2)), default: []].append(arguments[index + 1])
            index += 2
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name]?.last else { throw UsageError(message: "--\(name) is required") }
        return value
    }

    func string(_ name: String, default value: String) -> String {
        values[name]?.last ?? value
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int> = 1...Int.max) throws -> Int {
        guard let text = values[name]?.last else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(message: "--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func all(_ name: String) -> [String] {
        values[name] ?? []
    }
}

/// Monotonic time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// CPU time of this process (every thread), in seconds.
func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// How busy the host was between two samples, and how much of that was not this process: the neighbours
/// (a build, a test run) that make figures noisy.
struct HostSample {
    var busyTicks: UInt64
    var totalTicks: UInt64
    var ownCPU: Double

    static func now() -> HostSample {
        var busy: UInt64 = 0
        var total: UInt64 = 0
        if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        {
            let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
            total = fields.reduce(0, +)
            let idle = (fields.count > 4 ? fields[3] + fields[4] : 0)  // idle + iowait
            busy = total - idle
        }
        return HostSample(busyTicks: busy, totalTicks: total, ownCPU: processCPUSeconds())
    }

    /// (host busy %, share of it not this process %), both of the whole host's capacity (every core).
    static func load(from start: HostSample, to end: HostSample) -> (busy: Double, others: Double) {
        let total = Double(end.totalTicks &- start.totalTicks)
        guard total > 0 else { return (0, 0) }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let busy = Double(end.busyTicks &- start.busyTicks)
        let own = (end.ownCPU - start.ownCPU) * ticksPerSecond
        return (100 * busy / total, max(0, 100 * (busy - own) / total))
    }
}

/// A set of measurements (milliseconds or nanoseconds; the caller knows which).
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }
    mutating func add(contentsOf other: Samples) { values.append(contentsOf: other.values) }

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }
    var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
    var max: Double { values.max() ?? 0 }
    var min: Double { values.min() ?? 0 }

    /// Nearest-rank percentile (p in 0...100); the median for 50.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        if p == 50 && sorted.count % 2 == 0 {
            return (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}

/// What the threads of `onThreads` share.
private final class ThreadRendezvous<T: Sendable>: Sendable {
    let results = Mutex<[Int: T]>([:])
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
}

/// Runs `work(index)` on `count` threads released together; returns their results (in index order) and the
/// wall time from the release until the last one finished.
func onThreads<T: Sendable>(_ count: Int, _ work: @escaping @Sendable (Int) -> T) -> (results: [T], seconds: Double) {
    let shared = ThreadRendezvous<T>()
    for index in 0..<count {
        shared.done.enter()
        let thread = Thread {
            shared.ready.signal()
            shared.go.wait()
            let result = work(index)
            shared.results.withLock { $0[index] = result }
            shared.done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    for _ in 0..<count { shared.ready.wait() }
    let start = monotonicNanoseconds()
    for _ in 0..<count { shared.go.signal() }
    shared.done.wait()
    let seconds = Double(monotonicNanoseconds() - start) / 1e9
    let results = shared.results.withLock { results in (0..<count).map { results[$0]! } }
    return (results, seconds)
}

func format(_ value: Double, _ decimals: Int = 1) -> String {
    String(format: "%.\(decimals)f", value)
}

/// The benchmark ran but could not measure (exit 1).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
