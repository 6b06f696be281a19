import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConformanceKit
@testable import MessengerBench

@Suite struct BenchHTMLReporterTests {
    /// A fan-out result: figures, a ledger, a latency distribution of 1…`scale`×100 ms, three seconds of throughput.
    static func fanout(acceptedPerSecond: Double, scale: Double, lost: Int = 0, note: String = "") -> BenchReport.WorkloadResult {
        var result = BenchReport.WorkloadResult(workload: .fanout, status: lost == 0 ? .ok : .failed, parameters: ["users": "100"], figures: [
            .init("accepted/s", acceptedPerSecond, "msg/s"), .init("server CPU per message", 1_000_000 / acceptedPerSecond, "µs"),
        ], notes: note.isEmpty ? [] : [note])
        var tally = BenchLedger.Tally()
        tally.sent = 100
        tally.accepted = 100
        tally.expectedDeliveries = 200
        tally.delivered = 200 - lost
        tally.lost = lost
        result.tally = tally
        var histogram = BenchHistogram()
        for value in 1...100 { histogram.record(UInt64(Double(value) * scale * 1_000_000)) }
        result.deliveryLatency = BenchReport.Latency(histogram)
        var throughput = BenchThroughput()
        throughput.accepted = [40, 35, 25]
        throughput.delivered = [80, 70, 50]
        result.throughput = throughput
        return result
    }

    static func report(_ results: [BenchReport.WorkloadResult], target: String = "http://127.0.0.1:1") -> BenchReport {
        var report = BenchReport(date: "2026-12-06T12:00:00Z", target: target, machine: ["cores": "2", "cpu": "AMD <EPYC>"])
        report.results = results
        return report
    }

    func document(_ html: String) throws -> XMLDocument { try XMLDocument(xmlString: html) }

    @Test func aRunPageHasTheTableAndItsThreePlots() throws {
        let html = BenchHTMLReporter().render(Self.report([Self.fanout(acceptedPerSecond: 20_000, scale: 1, note: "<script>alert(1)</script>")]))
        let document = try document(html)
        #expect(try document.nodes(forXPath: "//h1").first?.stringValue == "conform bench: http://127.0.0.1:1")
        let section = try #require(try document.nodes(forXPath: "//section[@id='workload-fanout']").first as? XMLElement)
        let cells = try section.nodes(forXPath: ".//table[@class='figures']//td").compactMap(\.stringValue)
        #expect(cells.contains("20000 msg/s"))
        #expect(cells.contains("lost / duplicated / misdelivered") && cells.contains("0 / 0 / 0"))
        #expect(cells.contains("new_message latency p99"))
        let charts = try section.nodes(forXPath: ".//*[local-name()='svg']/@aria-label").compactMap(\.stringValue)
        #expect(charts == ["Latency distribution (fanout): new_message latency", "Throughput per second", "Ledger"])
        let texts = try section.nodes(forXPath: ".//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("p99 99 ms") && texts.contains("max 100 ms") && texts.contains("p50 50 ms"), "percentiles marked")
        #expect(texts.contains("lost") && texts.contains("0 ✓"))
        #expect(try document.nodes(forXPath: "//script").isEmpty, "the bench page needs no script")
        #expect(!html.contains("<script>alert"))
        #expect(try document.nodes(forXPath: "//ul[@class='notes']/li").first?.stringValue == "<script>alert(1)</script>")
        #expect(try document.nodes(forXPath: "//dl[@id='metadata']/dd").compactMap(\.stringValue).contains("AMD <EPYC>"))
    }

    @Test func aLostMessageShowsInRed() throws {
        let html = BenchHTMLReporter().render(Self.report([Self.fanout(acceptedPerSecond: 100, scale: 1, lost: 3)]))
        let document = try document(html)
        #expect(try document.nodes(forXPath: "//header[@class='banner fail']").count == 1)
        #expect(try document.nodes(forXPath: "//tr[@class='problem']/td").compactMap(\.stringValue) == ["lost / duplicated / misdelivered", "3 / 0 / 0"])
        let fill = try document.nodes(forXPath: "//*[local-name()='rect'][*[local-name()='title']='lost: 3 ✗']/@fill").first?.stringValue
        #expect(fill == SVGChart.Color.red)
    }

    @Test func aComparisonShowsBothServersAndTheirRatios() throws {
        let reference = Self.report([Self.fanout(acceptedPerSecond: 20_000, scale: 1)])
        let peer = Self.report([Self.fanout(acceptedPerSecond: 1_000, scale: 10)], target: "http://127.0.0.1:2")
        let html = BenchHTMLReporter().render(reference: reference, peer: peer)
        let document = try document(html)
        let rows = try document.nodes(forXPath: "//section[@id='workload-fanout']//tbody/tr").compactMap { $0 as? XMLElement }
        let table = rows.map { $0.elements(forName: "td").compactMap(\.stringValue) }
        #expect(table.contains(["accepted/s", "20000 msg/s", "1000 msg/s", "20.0×"]))
        #expect(table.contains(["server CPU per message", "50 µs", "1000 µs", "20.0×"]), "lower is better: peer/reference")
        #expect(table.contains(["new_message latency p50", "50.1 ms", "501 ms", "10.0×"]))
        let ratioChart = try #require(try document.nodes(forXPath: "//*[local-name()='svg'][@aria-label='Reference server against the peer (log scale)']").first)
        let labels = try ratioChart.nodes(forXPath: ".//*[local-name()='text'][@class='value']").compactMap(\.stringValue)
        #expect(labels == ["20.0×", "20.0×", "10.0×", "10.0×", "10.0×"])
        let charts = try document.nodes(forXPath: "//section[@id='workload-fanout']//*[local-name()='svg']/@aria-label").compactMap(\.stringValue)
        #expect(charts == ["Latency distribution (fanout)", "Throughput per second (reference server)", "Throughput per second (peer)",
                           "Ledger (reference server)", "Ledger (peer)"], "each kind for both servers side by side")
        let legend = try document.nodes(forXPath: "//*[local-name()='text'][@class='legend']").compactMap(\.stringValue)
        #expect(legend.contains("reference: new_message latency") && legend.contains("peer: new_message latency"))
    }

    @Test func ratiosFavourTheReferenceAboveOne() {
        typealias Row = BenchHTMLReporter.Row
        #expect(BenchHTMLReporter.ratio(Row(name: "accepted/s", unit: "msg/s", reference: .number(300), peer: .number(100))) == 3)
        #expect(BenchHTMLReporter.ratio(Row(name: "RSS per session", unit: "KiB", reference: .number(4), peer: .number(48))) == 12)
        #expect(BenchHTMLReporter.ratio(Row(name: "disk floor latency p99", unit: "ms", reference: .number(1), peer: .number(2))) == nil)
        #expect(BenchHTMLReporter.ratio(Row(name: "errors", unit: "", reference: .number(0), peer: .number(2))) == nil)
        #expect(BenchHTMLReporter.ratio(Row(name: "status", unit: "", reference: .text("OK"), peer: .text("OK"))) == nil)
    }

    @Test func theThroughputPlotKeepsTheWholeSecondsOfSending() throws {
        let svg = BenchHTMLReporter.throughputChart(BenchThroughput(accepted: [40, 35, 25], delivered: [80, 70, 50]), sendingSeconds: 2.4, title: "t")
        let document = try XMLDocument(xmlString: svg)
        #expect(try document.nodes(forXPath: "//*[local-name()='circle']").count == 4, "two seconds of each series, the partial third left out")
        #expect(svg.contains("the 2 whole seconds of 2.4 s"))
        #expect(svg.contains(">2 s</text>"), "ticks at the edges of the seconds")
        let all = BenchHTMLReporter.throughputChart(BenchThroughput(accepted: [40, 35, 25], delivered: [80, 70, 50]), sendingSeconds: nil, title: "t")
        #expect(try XMLDocument(xmlString: all).nodes(forXPath: "//*[local-name()='circle']").count == 6)
    }

    @Test func thePercentileAxisCountsNines() {
        #expect((0...5).map(BenchHTMLReporter.percentileLabel) == ["p0", "p90", "p99", "p99.9", "p99.99", "p99.999"])
        #expect(BenchHTMLReporter.nines(0) == 0)
        #expect(abs(BenchHTMLReporter.nines(90) - 1) < 1e-9)
        #expect(abs(BenchHTMLReporter.nines(99.9) - 3) < 1e-9)
    }

    @Test func mergedReadsTheFilesBenchCompareWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-html-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var history = Self.report([BenchReport.WorkloadResult(workload: .history, status: .ok)])
        history.date = "later"
        try Self.report([Self.fanout(acceptedPerSecond: 1, scale: 1)]).json().write(toFile: directory + "/reference-fanout.json", atomically: true, encoding: .utf8)
        try history.json().write(toFile: directory + "/reference-history.json", atomically: true, encoding: .utf8)
        let merged = try #require(try BenchHTMLReporter.merged(directory: directory, name: "reference", workloads: [.fanout, .latency, .history]))
        #expect(merged.results.map(\.workload) == [.fanout, .history])
        #expect(merged.results.first?.throughput?.accepted == [40, 35, 25])
        #expect(try BenchHTMLReporter.merged(directory: directory, name: "peer", workloads: [.fanout]) == nil)
    }
}
