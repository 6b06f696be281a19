import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchHistogramTests {
    @Test func emptyHistogramAnswersZero() {
        let histogram = BenchHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.value(atPercentile: 99) == 0)
        #expect(histogram.percentileDistribution().isEmpty)
    }

    @Test func smallValuesAreExact() {
        var histogram = BenchHistogram()
        for value in 1...100 { histogram.record(UInt64(value)) }
        #expect(histogram.value(atPercentile: 50) == 50)
        #expect(histogram.value(atPercentile: 90) == 90)
        #expect(histogram.value(atPercentile: 99) == 99)
        #expect(histogram.value(atPercentile: 100) == 100)
        #expect(histogram.minimum == 1)
        #expect(histogram.maximum == 100)
        #expect(histogram.mean == 50.5)
    }

    @Test func percentilesOfAUniformMillisecondRangeAreWithinOnePercent() {
        var histogram = BenchHistogram()
        // 1 ms ... 10 s in nanoseconds, 10,000 values.
        for step in 1...10_000 { histogram.record(UInt64(step) * 1_000_000) }
        for (percentile, expected) in [(50.0, 5_000.0), (90.0, 9_000.0), (99.0, 9_900.0), (99.9, 9_990.0)] {
            let milliseconds = Double(histogram.value(atPercentile: percentile)) / 1e6
            #expect(milliseconds >= expected, "p\(percentile) = \(milliseconds)")
            #expect(milliseconds <= expected * 1.008, "p\(percentile) = \(milliseconds)")
        }
        #expect(histogram.value(atPercentile: 100) == 10_000_000_000)
    }

    @Test func aFewSlowValuesShowOnlyInTheTail() {
        var histogram = BenchHistogram()
        for _ in 0..<999 { histogram.record(1_000_000) }
        histogram.record(500_000_000)
        #expect(histogram.value(atPercentile: 99) < 1_010_000)
        #expect(histogram.value(atPercentile: 99.9) < 1_010_000)
        #expect(histogram.value(atPercentile: 99.99) == 500_000_000)
        #expect(histogram.maximum == 500_000_000)
    }

    @Test func bucketsCoverTheWholeRangeWithoutGaps() {
        var previousHighest: UInt64 = 0
        for index in 0..<BenchHistogram.bucketCount {
            let lowest = BenchHistogram.lowestEquivalent(ofBucket: index)
            let highest = BenchHistogram.highestEquivalent(ofBucket: index)
            if index > 0 { #expect(lowest == previousHighest + 1, "bucket \(index)") }
            #expect(BenchHistogram.index(of: lowest) == index)
            #expect(BenchHistogram.index(of: highest) == index)
            previousHighest = highest
        }
        #expect(previousHighest == UInt64.max)
        var histogram = BenchHistogram()
        histogram.record(.max)
        #expect(histogram.value(atPercentile: 50) == .max)
    }

    @Test func mergeAddsCounts() {
        var first = BenchHistogram()
        var second = BenchHistogram()
        first.record(10)
        second.record(20)
        second.record(30)
        first.merge(second)
        #expect(first.count == 3)
        #expect(first.minimum == 10)
        #expect(first.maximum == 30)
        #expect(first.value(atPercentile: 50) == 20)
    }

    @Test func distributionEndsAtTheMaximumAndIsMonotonic() {
        var histogram = BenchHistogram()
        for value in 1...1_000 { histogram.record(UInt64(value) * 1_000) }
        let rows = histogram.percentileDistribution()
        #expect(rows.first?.percentile == 0)
        #expect(rows.last?.percentile == 100)
        #expect(rows.last?.value == 1_000_000)
        #expect(rows.last?.count == 1_000)
        for (earlier, later) in zip(rows, rows.dropFirst()) {
            #expect(earlier.value <= later.value)
            #expect(earlier.percentile < later.percentile)
        }
    }
}
