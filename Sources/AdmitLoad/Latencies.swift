/// Latencies in nanoseconds, summarised as percentiles.
struct Latencies {
    var samples: [UInt64] = []

    func report(seconds: Double, requests: Int, errors: Int) -> String {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)
            return String(format: "%.1f", Double(sorted[max(index, 0)]) / 1000)
        }
        let rate = Double(requests) / seconds
        return """
            requests: \(requests) in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", rate)) req/s; error replies: \(errors)
            latency µs: p50 \(percentile(50))  p90 \(percentile(90))  p99 \(percentile(99))  p99.9 \(percentile(99.9))  max \(percentile(100))
            """
    }
}

/// Monotonic nanoseconds.
func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

#if canImport(Glibc)
    import Glibc
#endif
