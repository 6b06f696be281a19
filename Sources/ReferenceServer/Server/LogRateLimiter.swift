/// Decides which repeated log lines are written: at most `burst` lines per key in each `interval`;
/// the first line written after some were held back says how many (README "Operating").
///
/// A plain state machine: the clock is passed in. Keys name a kind of line ("malformed HTTP request"),
/// never one connection, so a flood of one kind costs a few lines per interval.
public struct LogRateLimiter: Sendable {
    /// What to do with one line.
    public enum Admission: Sendable, Equatable {
        /// Write it; `suppressed` lines of its key were held back since the last one written.
        case write(suppressed: Int)
        /// Hold it back (counted).
        case suppress
    }

    private struct Window: Sendable {
        var start: ContinuousClock.Instant
        var written: Int
        var suppressed: Int
    }

    public let burst: Int
    public let interval: Duration
    private var windows: [String: Window] = [:]
    /// Lines held back since the last `takeSuppressedTotal()`.
    private var suppressedTotal = 0

    public init(burst: Int = 5, interval: Duration = .seconds(10)) {
        self.burst = max(1, burst)
        self.interval = interval
    }

    public mutating func admit(key: String, now: ContinuousClock.Instant) -> Admission {
        var window = windows[key] ?? Window(start: now, written: 0, suppressed: 0)
        if now - window.start >= interval {
            window.start = now
            window.written = 0
        }
        guard window.written < burst else {
            window.suppressed += 1
            suppressedTotal += 1
            windows[key] = window
            return .suppress
        }
        let suppressed = window.suppressed
        window.written += 1
        window.suppressed = 0
        windows[key] = window
        if windows.count > 1_024 { windows = windows.filter { now - $0.value.start < interval } }
        return .write(suppressed: suppressed)
    }

    /// Lines held back since the previous call (for the periodic summary).
    public mutating func takeSuppressedTotal() -> Int {
        defer { suppressedTotal = 0 }
        return suppressedTotal
    }
}
