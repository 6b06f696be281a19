import Synchronization

/// One-line log records, filtered by the configured `LogLevel`, written through a `LogSink` (never
/// blocking the caller on a stalled stderr); lines of a repeating kind are rate-limited per key.
public struct ServerLogger: Sendable {
    /// The most verbose level written.
    public let level: LogLevel
    public let sink: LogSink
    private let limiter: Limiter

    /// The rate limiter, shared by the copies of one logger.
    private final class Limiter: Sendable {
        let state: Mutex<LogRateLimiter>
        init(_ limiter: LogRateLimiter) { state = Mutex(limiter) }
    }

    public init(level: LogLevel, sink: LogSink = .standardError, rateLimiter: LogRateLimiter = LogRateLimiter()) {
        self.level = level
        self.sink = sink
        self.limiter = Limiter(rateLimiter)
    }

    /// Whether records of `level` are written.
    public func isEnabled(_ level: LogLevel) -> Bool { level <= self.level }

    /// Writes `reference-server <level>: <message>` when `level` is enabled.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        sink.write("reference-server \(level.name): \(message())\n")
    }

    /// Like `log`, but at most `LogRateLimiter.burst` lines of `key` per interval; the next line
    /// written says how many were held back.
    public func log(_ level: LogLevel, key: String, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        let admission = limiter.state.withLock { $0.admit(key: key, now: .now) }
        guard case .write(let suppressed) = admission else { return }
        let note = suppressed > 0 ? " (\(suppressed) more like it suppressed)" : ""
        sink.write("reference-server \(level.name): \(message())\(note)\n")
    }

    /// Lines held back by the rate limit since the previous call (for the periodic summary).
    public func takeSuppressedCount() -> Int { limiter.state.withLock { $0.takeSuppressedTotal() } }
}
