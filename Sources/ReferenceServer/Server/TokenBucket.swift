/// A token bucket: `burst` tokens, refilled at `rate` per second; each admitted request takes one.
/// A plain value with the clock passed in.
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second; 0 or less: unlimited.
    public let rate: Double
    public let burst: Double
    private(set) var tokens: Double
    private(set) var updated: ContinuousClock.Instant

    public init(rate: Double, burst: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.updated = now
    }

    /// Takes a token if there is one; otherwise returns the seconds until there will be (rounded up, at least 1).
    public mutating func take(now: ContinuousClock.Instant) -> Int? {
        guard rate > 0 else { return nil }
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }

    /// Whether the bucket is full (it may be forgotten: a new one would be the same).
    public mutating func isFull(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        return tokens >= burst
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        let elapsed = (now - updated).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        if seconds > 0 {
            tokens = min(burst, tokens + seconds * rate)
            updated = now
        }
    }
}
