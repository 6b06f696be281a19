/// A log-linear latency histogram in nanoseconds, HdrHistogram-style: 128 linear sub-buckets per
/// power of two, so any recorded value is reported within 1/128 (< 0.8 %) above its true value.
///
/// Values below 256 ns have a bucket each; above, a value `v` with `b` significant bits falls in
/// bucket `256 + (b - 9) * 128 + (v >> (b - 8)) - 128`. Percentiles report the highest value
/// equivalent to the bucket holding the requested rank (capped at the recorded maximum), as HdrHistogram's
/// `getValueAtPercentile` does.
public struct BenchHistogram: Sendable, Equatable {
    static let linearLimit = 256
    static let subBuckets = 128
    static let bucketCount = linearLimit + (64 - 8) * subBuckets

    private var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var minimum: UInt64 = .max
    public private(set) var maximum: UInt64 = 0
    private var sum: Double = 0

    public init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
    }

    /// Records one value (nanoseconds).
    public mutating func record(_ value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        count += 1
        sum += Double(value)
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: BenchHistogram) {
        guard other.count > 0 else { return }
        for index in counts.indices { counts[index] &+= other.counts[index] }
        count += other.count
        sum += other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }

    /// The mean of the recorded values; 0 when empty.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The value at `percentile` (0...100): the smallest bucket value at or above that share of the
    /// recorded values, capped at the maximum; 0 when empty.
    public func value(atPercentile percentile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let clamped = min(100, max(0, percentile))
        // Multiply first and forgive rounding noise, so p99.9 of 1,000 values is the 999th, not the 1,000th.
        let rank = max(1, UInt64((clamped * Double(count) / 100 - 1e-9).rounded(.up)))
        var cumulative: UInt64 = 0
        for index in counts.indices where counts[index] > 0 {
            cumulative += counts[index]
            if cumulative >= rank { return min(maximum, max(minimum, Self.highestEquivalent(ofBucket: index))) }
        }
        return maximum
    }

    /// HdrHistogram's percentile distribution: (value, percentile, cumulative count) at the ticks
    /// 0, 50, 75, 87.5, … (halving the remainder each time, `ticksPerHalf` steps per halving), then 100.
    public func percentileDistribution(ticksPerHalf: Int = 2) -> [(value: UInt64, percentile: Double, count: UInt64)] {
        guard count > 0 else { return [] }
        var rows: [(UInt64, Double, UInt64)] = []
        var percentile = 0.0
        var remainingHalf = 50.0
        while percentile < 100, rows.count < 64 {
            let value = value(atPercentile: percentile)
            rows.append((value, percentile, countAtOrBelow(value)))
            let step = remainingHalf / Double(max(1, ticksPerHalf))
            for _ in 0..<max(1, ticksPerHalf) where percentile < 100 {
                percentile += step
            }
            remainingHalf /= 2
            if Double(count) * (100 - percentile) / 100 < 1 { break }
        }
        rows.append((maximum, 100, count))
        return rows
    }

    /// Recorded values in buckets whose values are all at or below `value`.
    public func countAtOrBelow(_ value: UInt64) -> UInt64 {
        let last = Self.index(of: value)
        var total: UInt64 = 0
        for index in 0...last { total += counts[index] }
        return total
    }

    static func index(of value: UInt64) -> Int {
        guard value >= UInt64(linearLimit) else { return Int(value) }
        let bits = 64 - value.leadingZeroBitCount  // 9...64
        let shift = bits - 8
        let top = Int(value >> UInt64(shift))  // 128...255
        return linearLimit + (shift - 1) * subBuckets + (top - subBuckets)
    }

    static func lowestEquivalent(ofBucket index: Int) -> UInt64 {
        guard index >= linearLimit else { return UInt64(index) }
        let shift = (index - linearLimit) / subBuckets + 1
        let top = UInt64((index - linearLimit) % subBuckets + subBuckets)
        return top << UInt64(shift)
    }

    static func highestEquivalent(ofBucket index: Int) -> UInt64 {
        guard index >= linearLimit else { return UInt64(index) }
        let shift = (index - linearLimit) / subBuckets + 1
        let top = UInt64((index - linearLimit) % subBuckets + subBuckets)
        // The top bucket's upper end is UInt64.max; avoid overflowing past it.
        let (next, isOverflow) = (top + 1).multipliedReportingOverflow(by: UInt64(1) << UInt64(shift))
        return isOverflow ? .max : next - 1
    }
}
