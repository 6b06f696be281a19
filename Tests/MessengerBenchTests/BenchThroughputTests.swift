import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchThroughputTests {
    @Test func countsEachArrivalInItsSecondSinceTheStart() {
        var throughput = BenchThroughput()
        let start: UInt64 = 5_000_000_000
        for offset: UInt64 in [0, 999_999_999, 1_000_000_000, 1_500_000_000, 3_200_000_000] {
            throughput.recordAccepted(at: start + offset, start: start)
        }
        throughput.recordDelivered(at: start + 2_000_000_000, start: start)
        throughput.recordAccepted(at: start - 1, start: start)
        throughput.recordAccepted(at: 10, start: 0)
        #expect(throughput.accepted == [2, 2, 0, 1])
        #expect(throughput.delivered == [0, 0, 1])
    }

    @Test func theSeriesStopsGrowingAtItsLimit() {
        var throughput = BenchThroughput()
        throughput.recordDelivered(at: 1 + UInt64(BenchThroughput.maximumSeconds + 50) * 1_000_000_000, start: 1)
        #expect(throughput.delivered.count == BenchThroughput.maximumSeconds)
        #expect(throughput.delivered.last == 1)
    }
}
