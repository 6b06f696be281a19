import Foundation
import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchReportTests {
    func report(_ statuses: [BenchReport.Status]) -> BenchReport {
        var report = BenchReport(date: "2026-11-22T12:00:00Z", target: "http://127.0.0.1:1", machine: ["cores": "2"])
        report.results = statuses.map { .init(workload: .fanout, status: $0, figures: [.init("accepted/s", 12_345, "msg/s")]) }
        return report
    }

    @Test func exitStatusFollowsTheWorstWorkload() {
        #expect(report([.ok, .unsupported]).exitStatus == .success)
        #expect(report([.ok, .inconclusive]).exitStatus == .inconclusive)
        #expect(report([.inconclusive, .failed]).exitStatus == .failure)
    }

    @Test func tableShowsStatusFiguresAndTally() {
        var report = report([.failed])
        var tally = BenchLedger.Tally()
        tally.sent = 10
        tally.accepted = 10
        tally.lost = 1
        report.results[0].tally = tally
        let table = report.table()
        #expect(table.contains("FAILED"))
        #expect(table.contains("12345 msg/s"))
        #expect(table.contains("lost / duplicated / misdelivered"))
        #expect(table.contains("1 / 0 / 0"))
    }

    @Test func jsonRoundTrips() throws {
        var report = report([.ok])
        var histogram = BenchHistogram()
        for value in 1...100 { histogram.record(UInt64(value) * 1_000_000) }
        report.results[0].deliveryLatency = BenchReport.Latency(histogram)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: Data(try report.json().utf8))
        let p99 = try #require(decoded.results.first?.deliveryLatency?.p99)
        #expect(p99 >= 99 && p99 <= 99 * 1.008)
        #expect(decoded.results.first?.figure("accepted/s") == 12_345)
    }

    @Test func procFilesAreParsed() {
        #expect(BenchProcessStats.residentBytes(statusText: "Name:\tx\nVmRSS:\t   2048 kB\nThreads: 3\n") == 2_097_152)
        #expect(BenchProcessStats.residentBytes(statusText: "Name:\tx\n") == nil)
        let stat = "123 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0 3 0"
        let seconds = BenchProcessStats.cpuSeconds(statLine: stat)
        #expect(seconds != nil)
        #expect(BenchProcessStats.cpuSeconds(statLine: "garbage") == nil)
        #expect(BenchProcessStats.cpuSeconds(processID: getpid()) != nil)
        #expect(BenchProcessStats.residentBytes(processID: getpid()).map { $0 > 0 } == true)
    }
}
