import ReferenceServer
import Testing

@Suite struct LogRateLimiterTests {
    @Test func writesABurstPerKeyThenCountsWhatItHoldsBack() {
        var limiter = LogRateLimiter(burst: 2, interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(limiter.admit(key: "a", now: start) == .write(suppressed: 0))
        #expect(limiter.admit(key: "a", now: start) == .write(suppressed: 0))
        for _ in 0..<500 { #expect(limiter.admit(key: "a", now: start + .seconds(1)) == .suppress) }
        // Another kind of line has its own allowance.
        #expect(limiter.admit(key: "b", now: start + .seconds(1)) == .write(suppressed: 0))
        // The next window: the first line written says how many were held back.
        #expect(limiter.admit(key: "a", now: start + .seconds(10)) == .write(suppressed: 500))
        #expect(limiter.admit(key: "a", now: start + .seconds(10)) == .write(suppressed: 0))
        #expect(limiter.takeSuppressedTotal() == 500)
        #expect(limiter.takeSuppressedTotal() == 0)
    }

    /// 33,465 lines in 75 s of slowloris before (issue 14): now a few per kind and interval.
    @Test func aFloodOfOneKindCostsAFewLinesPerInterval() {
        var limiter = LogRateLimiter()
        let start = ContinuousClock.now
        var written = 0
        for index in 0..<33_465 {
            let now = start + .milliseconds(index * 75_000 / 33_465)
            if case .write = limiter.admit(key: "request timeout", now: now) { written += 1 }
        }
        #expect(written <= 5 * 8)  // 5 per 10 s window, 8 windows in 75 s
        #expect(written >= 5)
    }
}
