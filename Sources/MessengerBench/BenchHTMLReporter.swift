import ConformanceKit
import Foundation

/// `conform bench` results as one self-contained HTML page (`conform bench --html FILE`), and the
/// reference server beside another (`bench/compare --html`): per workload its status, parameters and
/// figures, the ledger (delivered against lost / duplicated / misdelivered), the latency
/// distributions on log scales with their percentiles marked, accepted and delivered messages per
/// second over the run, and for a comparison the ratios side by side. Plots are inline SVG drawn by
/// `SVGChart`; every text is escaped.
public struct BenchHTMLReporter: Sendable {
    public init() {}

    /// One run's page.
    public func render(_ report: BenchReport) -> String {
        page(reference: report, peer: nil)
    }

    /// The reference server's results beside another server's (`peer`, nil when it did not run).
    public func render(reference: BenchReport, peer: BenchReport?) -> String {
        page(reference: reference, peer: peer)
    }

    /// Reads `DIR/<name>-<workload>.json` (as `bench/compare` writes them) into one report per name;
    /// nil when none of the files exists.
    public static func merged(directory: String, name: String, workloads: [BenchOptions.Workload]) throws -> BenchReport? {
        var merged: BenchReport?
        for workload in workloads {
            let path = "\(directory)/\(name)-\(workload.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let report = try JSONDecoder().decode(BenchReport.self, from: data)
            if merged == nil { merged = report } else { merged?.results += report.results }
        }
        return merged
    }

    // MARK: Page

    private func page(reference: BenchReport, peer: BenchReport?) -> String {
        let isComparison = peer != nil
        let status = reference.exitStatus
        let outcome = status == .success ? ("correct", "pass") : status == .failure ? ("FAILED", "fail") : ("inconclusive", "inconclusive")
        let title = isComparison ? "conform bench: reference server and peer" : "conform bench: \(reference.target)"
        var body = """
            <header class="banner \(outcome.1)"><div class="inner">
            <h1>\(HTMLPage.escape(title))</h1>
            <p>\(reference.results.count) workload\(reference.results.count == 1 ? "" : "s"), \(HTMLPage.escape(outcome.0))\(isComparison ? " (reference server)" : "") · \(HTMLPage.escape(reference.date))</p>
            </div></header>
            <main>

            """
        body += "<h2>Run</h2>\n<dl class=\"meta\" id=\"metadata\">\n"
        var rows: [(String, String)] = [("Date", reference.date), (isComparison ? "Reference server" : "Target", reference.target)]
        if let peer { rows.append(("Peer", peer.target)) }
        for (key, value) in reference.machine.sorted(by: { $0.key < $1.key }) where key != "server pid" {
            let name = key.replacingOccurrences(of: "cpu", with: "CPU")
            rows.append((name.prefix(1).uppercased() + name.dropFirst(), value))
        }
        for (name, value) in rows { body += "<dt>\(HTMLPage.escape(name))</dt><dd>\(HTMLPage.escape(value))</dd>\n" }
        body += "</dl>\n<p class=\"muted\">Every workload checks correctness as it measures: a message lost, delivered twice, delivered to the wrong user, "
            + "delivered after a refusal or not attributable fails it, whatever the speed.</p>\n"
        if let peer {
            body += "<h2>Ratios</h2>\n<p class=\"muted\">Above 1: the reference server is better (reference/peer for rates, peer/reference for times and costs).</p>\n"
            body += ratioChart(reference: reference, peer: peer)
        }
        body += "<nav><ul class=\"workloads\">" + reference.results.map {
            "<li><a href=\"#workload-\($0.workload.rawValue)\">\(HTMLPage.escape($0.workload.rawValue))</a> <span class=\"badge \(Self.statusClass($0.status))\">\(HTMLPage.escape($0.status.rawValue.uppercased()))</span></li>"
        }.joined() + "</ul></nav>\n"
        for result in reference.results {
            let other = peer?.results.first { $0.workload == result.workload }
            body += workload(result, peer: other, isComparison: isComparison)
        }
        body += "</main>"
        return HTMLPage.document(title: title, style: Self.style, body: body)
    }

    private func workload(_ result: BenchReport.WorkloadResult, peer: BenchReport.WorkloadResult?, isComparison: Bool) -> String {
        var html = "<section class=\"workload\" id=\"workload-\(result.workload.rawValue)\">\n<h2>\(HTMLPage.escape(result.workload.rawValue)) "
            + "<span class=\"badge \(Self.statusClass(result.status))\">\(HTMLPage.escape(result.status.rawValue.uppercased()))</span>"
        if let peer { html += " <span class=\"muted\">peer:</span> <span class=\"badge \(Self.statusClass(peer.status))\">\(HTMLPage.escape(peer.status.rawValue.uppercased()))</span>" }
        html += "</h2>\n<p class=\"parameters\">" + result.parameters.sorted { $0.key < $1.key }.map {
            "<span>\(HTMLPage.escape($0.key)) <strong>\(HTMLPage.escape($0.value))</strong></span>"
        }.joined(separator: " · ") + "</p>\n"
        html += table(result, peer: peer, isComparison: isComparison)
        // The latency plot across; then, two to a row on a wide screen, throughput and ledger (alone) or
        // each kind for both servers side by side (comparison).
        html += "<div class=\"charts\">\n"
        let latency = latencyChart(result, peer: peer)
        if !latency.isEmpty { html += "<div class=\"wide\">\(latency)</div>\n" }
        let sides = [("reference server", result), ("peer", peer)].compactMap { name, side in side.map { (isComparison ? " (\(name))" : "", $0) } }
        var throughputs: [String] = []
        var ledgers: [String] = []
        for (suffix, side) in sides {
            if let throughput = side.throughput, !throughput.accepted.isEmpty || !throughput.delivered.isEmpty {
                throughputs.append(Self.throughputChart(throughput, sendingSeconds: side.figure("sending time"), title: "Throughput per second\(suffix)"))
            }
            if let tally = side.tally { ledgers.append(Self.ledgerChart(tally, title: "Ledger\(suffix)")) }
        }
        let ordered = isComparison ? throughputs + ledgers : zip(throughputs, ledgers).flatMap { [$0, $1] } + throughputs.dropFirst(ledgers.count) + ledgers.dropFirst(throughputs.count)
        for chart in ordered { html += "<div>\(chart)</div>\n" }
        html += "</div>\n"
        let notes = result.notes + (peer?.notes.map { "peer: " + $0 } ?? [])
        if !notes.isEmpty { html += "<h3>Notes</h3>\n<ul class=\"notes\">" + notes.map { "<li>\(HTMLPage.escape($0))</li>" }.joined() + "</ul>\n" }
        return html + "</section>\n"
    }

    // MARK: Table

    /// A row of the figures table: a number with its unit, or a text (status, ledger triples).
    struct Row: Equatable {
        var name: String
        var unit: String
        var reference: Value?
        var peer: Value?

        enum Value: Equatable {
            case number(Double)
            case text(String)
        }
    }

    /// The figures of a workload as rows: every figure, the ledger, the latency percentiles.
    static func rows(_ result: BenchReport.WorkloadResult) -> [Row] {
        var rows = result.figures.map { Row(name: $0.name, unit: $0.unit, reference: .number($0.value)) }
        if let tally = result.tally {
            rows.append(Row(name: "sent / accepted / rejected / unanswered", unit: "", reference: .text("\(tally.sent) / \(tally.accepted) / \(tally.rejected) / \(tally.unanswered)")))
            rows.append(Row(name: "delivered / expected", unit: "", reference: .text("\(tally.delivered) / \(tally.expectedDeliveries)")))
            rows.append(Row(name: "lost / duplicated / misdelivered", unit: "", reference: .text("\(tally.lost) / \(tally.duplicated) / \(tally.misdelivered)")))
        }
        for (name, latency) in latencies(result) where latency.count > 0 {
            for (percentile, value) in [("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99), ("p99.9", latency.p999), ("max", latency.max)] {
                rows.append(Row(name: "\(name) \(percentile)", unit: "ms", reference: .number(value)))
            }
        }
        return rows
    }

    /// Reference rows with the peer's values beside them (rows only the peer has come last).
    static func rows(_ result: BenchReport.WorkloadResult, peer: BenchReport.WorkloadResult?) -> [Row] {
        var rows = rows(result)
        guard let peer else { return rows }
        for other in self.rows(peer) {
            if let index = rows.firstIndex(where: { $0.name == other.name }) {
                rows[index].peer = other.reference
            } else {
                rows.append(Row(name: other.name, unit: other.unit, reference: nil, peer: other.reference))
            }
        }
        return rows
    }

    /// How much better the reference is (> 1 favours it): reference/peer for rates, peer/reference for
    /// times, memory and CPU costs; nil for texts, non-positive values and the disk floor (the disk, not
    /// a server). The same rule as `bench/compare-table.py`.
    static func ratio(_ row: Row) -> Double? {
        guard case .number(let reference) = row.reference, case .number(let peer) = row.peer, reference > 0, peer > 0,
              !row.name.hasPrefix("disk floor") else { return nil }
        let lowerIsBetter = ["latency", "ms", "µs", "KiB", "MiB", "time", "errors", "CPU"]
            .contains { row.name.contains($0) || row.unit.contains($0) } && !row.unit.contains("/s")
        return lowerIsBetter ? peer / reference : reference / peer
    }

    private func table(_ result: BenchReport.WorkloadResult, peer: BenchReport.WorkloadResult?, isComparison: Bool) -> String {
        // In a box of its own that scrolls sideways on a narrow screen, rather than widening the page.
        var html = "<div class=\"table-box\"><table class=\"figures\"><thead><tr><th>figure</th><th class=\"number\">\(isComparison ? "reference" : "value")</th>"
        if isComparison { html += "<th class=\"number\">peer</th><th class=\"number\">ratio</th>" }
        html += "</tr></thead><tbody>\n"
        for row in Self.rows(result, peer: peer) {
            func cell(_ value: Row.Value?) -> String {
                switch value {
                case .number(let number): BenchReport.format(number) + (row.unit.isEmpty ? "" : " " + row.unit)
                case .text(let text): text
                case nil: ""
                }
            }
            let isProblem = row.name.hasPrefix("lost /") && cell(row.reference) != "0 / 0 / 0"
            html += "<tr\(isProblem ? " class=\"problem\"" : "")><td>\(HTMLPage.escape(row.name))</td><td class=\"number\">\(HTMLPage.escape(cell(row.reference)))</td>"
            if isComparison {
                html += "<td class=\"number\">\(HTMLPage.escape(cell(row.peer)))</td><td class=\"number\">\(Self.ratio(row).map { String(format: "%.1f×", $0) } ?? "")</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }

    // MARK: Charts

    static func latencies(_ result: BenchReport.WorkloadResult) -> [(String, BenchReport.Latency)] {
        [("new_message latency", result.deliveryLatency), ("answer latency", result.answerLatency),
         ("join → all_messages", result.joinLatency), ("disk floor latency", result.diskFloorLatency)]
            .compactMap { name, latency in latency.map { (name, $0) } }
    }

    /// `-log10(1 - p/100)`: 0 at p0, 1 at p90, 2 at p99, 3 at p99.9 (the x of a latency plot).
    static func nines(_ percentile: Double) -> Double { -log10(max(1e-9, 1 - percentile / 100)) }

    /// The latency distributions (log scale) against the percentile, with p50, p90, p99, p99.9 and
    /// the maximum marked on the first distribution of each server. One plot per workload: in a
    /// comparison, the reference's and the peer's main latency; alone, every latency the workload has.
    private func latencyChart(_ result: BenchReport.WorkloadResult, peer: BenchReport.WorkloadResult?) -> String {
        var chosen: [(String, BenchReport.Latency, String)] = []
        let colors = [SVGChart.Color.blue, SVGChart.Color.orange, SVGChart.Color.purple, SVGChart.Color.grey]
        if let peer {
            if let (name, latency) = Self.latencies(result).first(where: { $0.1.count > 0 }) {
                chosen.append(("reference: \(name)", latency, SVGChart.Color.blue))
                if let other = Self.latencies(peer).first(where: { $0.0 == name && $0.1.count > 0 }) {
                    chosen.append(("peer: \(name)", other.1, SVGChart.Color.orange))
                }
            }
        } else {
            for (index, (name, latency)) in Self.latencies(result).filter({ $0.1.count > 0 }).enumerated() {
                chosen.append((name, latency, colors[index % colors.count]))
            }
        }
        guard !chosen.isEmpty else { return "" }
        return Self.latencyChart(title: "Latency distribution (\(result.workload.rawValue))", distributions: chosen, markedCount: peer == nil ? 1 : 2)
    }

    /// The plot itself: x the percentile (0, 90, 99, 99.9 … evenly spaced), y milliseconds on a log scale.
    static func latencyChart(title: String, distributions: [(name: String, latency: BenchReport.Latency, color: String)], markedCount: Int) -> String {
        let finiteNines = distributions.flatMap { $0.latency.distribution.filter { $0.count >= 2 && $0[1] < 100 }.map { nines($0[1]) } }
        let top = max(3, (finiteNines.max() ?? 3).rounded(.up))
        let maximumX = top + 0.6
        var ticks = (0...Int(top)).map { SVGChart.Tick(Double($0), percentileLabel(nines: $0)) }
        ticks.append(SVGChart.Tick(maximumX, "max"))
        var series: [SVGChart.Series] = []
        var markers: [SVGChart.Marker] = []
        for (index, entry) in distributions.enumerated() {
            let marked = [("p50", 50.0, entry.latency.p50), ("p90", 90, entry.latency.p90), ("p99", 99, entry.latency.p99), ("p99.9", 99.9, entry.latency.p999)]
                .map { (label: $0.0, point: SVGChart.Point(nines($0.1), $0.2)) }
            // The marked percentiles come from the same histogram: the line passes through them.
            var points = entry.latency.distribution.filter { $0.count >= 2 && $0[1] < 100 }.map { SVGChart.Point(nines($0[1]), $0[0]) }
            points = (points + marked.map(\.point)).sorted { $0.x < $1.x }
            points.append(SVGChart.Point(maximumX, entry.latency.max))
            series.append(SVGChart.Series(entry.name, color: entry.color, points: points))
            guard index < markedCount else { continue }
            for (label, point) in marked {
                markers.append(SVGChart.Marker(point, label: "\(label) \(SVGChart.number(point.y)) ms", color: entry.color))
            }
            markers.append(SVGChart.Marker(SVGChart.Point(maximumX, entry.latency.max), label: "max \(SVGChart.number(entry.latency.max)) ms", color: entry.color))
        }
        return SVGChart.lines(
            title: distributions.count == 1 ? "\(title): \(distributions[0].name)" : title, x: SVGChart.Axis("percentile", ticks: ticks), y: SVGChart.Axis("milliseconds (log)", scale: .logarithmic),
            series: series, markers: markers)
    }

    /// `p0`, `p90`, `p99`, `p99.9`, `p99.99`…: the percentile `nines` nines in.
    static func percentileLabel(nines: Int) -> String {
        switch nines {
        case ...0: "p0"
        case 1: "p90"
        case 2: "p99"
        default: "p99." + String(repeating: "9", count: nines - 2)
        }
    }

    /// Accepted and delivered messages in each whole second of sending (a last, partial second would
    /// read as a drop; the table has the exact rates). Narrower than the latency plot: it sits two to a row.
    static func throughputChart(_ throughput: BenchThroughput, sendingSeconds: Double?, title: String) -> String {
        let whole = sendingSeconds.map { max(1, Int($0)) }
        func points(_ counts: [Int]) -> [SVGChart.Point] {
            counts.prefix(whole ?? counts.count).enumerated().map { SVGChart.Point(Double($0.offset) + 0.5, Double($0.element)) }
        }
        let seconds = whole ?? max(throughput.accepted.count, throughput.delivered.count)
        let isShort = seconds <= 30
        let axis = whole.map { "seconds of sending (the \($0) whole seconds of \(BenchReport.format(sendingSeconds ?? 0)) s)" } ?? "seconds of sending"
        // Each point sits in the middle of its second; ticks mark the seconds' edges.
        let step = max(1, Int(SVGChart.niceStep(Double(seconds) / 8)))
        let ticks = stride(from: 0, through: seconds, by: step).map { SVGChart.Tick(Double($0), "\($0) s") }
        return SVGChart.lines(
            title: title, x: SVGChart.Axis(axis, ticks: ticks), y: SVGChart.Axis("messages per second"),
            series: [
                SVGChart.Series("accepted/s", color: SVGChart.Color.blue, points: points(throughput.accepted), hasDots: isShort),
                SVGChart.Series("delivered/s", color: SVGChart.Color.green, points: points(throughput.delivered), hasDots: isShort),
            ], width: 480, height: 260)
    }

    /// Expected deliveries and what became of them: delivered, and each kind of error (red when not zero).
    static func ledgerChart(_ tally: BenchLedger.Tally, title: String) -> String {
        func problem(_ label: String, _ value: Int) -> SVGChart.Bar {
            SVGChart.Bar(label, value: Double(value), color: value == 0 ? SVGChart.Color.green : SVGChart.Color.red,
                         valueLabel: value == 0 ? "0 ✓" : "\(value) ✗")
        }
        let bars = [
            SVGChart.Bar("expected deliveries", value: Double(tally.expectedDeliveries), color: SVGChart.Color.grey, valueLabel: String(tally.expectedDeliveries)),
            SVGChart.Bar("delivered", value: Double(tally.delivered), color: SVGChart.Color.blue, valueLabel: String(tally.delivered)),
            problem("lost", tally.lost), problem("duplicated", tally.duplicated), problem("misdelivered", tally.misdelivered),
            problem("delivered after refusal", tally.deliveredRejected), problem("unattributable", tally.unknown),
            problem("unanswered sends", tally.unanswered),
        ]
        return SVGChart.bars(title: title, axis: SVGChart.Axis("messages"), bars: bars, width: 480)
    }

    /// Every ratio of the comparison as a bar from 1 on a log scale: right of 1 favours the reference.
    private func ratioChart(reference: BenchReport, peer: BenchReport) -> String {
        var bars: [SVGChart.Bar] = []
        for result in reference.results {
            let other = peer.results.first { $0.workload == result.workload }
            for row in Self.rows(result, peer: other) where Self.isHeadline(row) {
                let label = "\(result.workload.rawValue): \(row.name)"
                guard let ratio = Self.ratio(row), !bars.contains(where: { $0.label == label }) else { continue }
                bars.append(SVGChart.Bar(label, value: ratio,
                                         color: ratio >= 1 ? SVGChart.Color.green : SVGChart.Color.orange, valueLabel: String(format: "%.1f×", ratio)))
            }
        }
        guard !bars.isEmpty else { return "<p>No figure both servers measured.</p>\n" }
        return SVGChart.bars(title: "Reference server against the peer (log scale)", axis: SVGChart.Axis("ratio", scale: .logarithmic),
                             bars: bars, origin: 1, originLabel: "1× (equal)", width: 760)
    }

    /// The figures the ratio chart shows: rates, the server's CPU per message, memory per session, and
    /// the latency p50/p99/max
    /// (new_message, or join → all_messages where there is no new_message; the answer latency follows
    /// new_message's, and delivered/s accepted/s).
    static func isHeadline(_ row: Row) -> Bool {
        let isRate = row.unit.contains("/s") && !row.name.contains("projected") && !row.name.hasPrefix("delivered")
        let isCost = row.name == "server CPU per message" || row.name.contains("per session")
        let isLatency = (row.name.hasPrefix("new_message latency") || row.name.hasPrefix("join → all_messages"))
            && (row.name.hasSuffix(" p50") || row.name.hasSuffix(" p99") || row.name.hasSuffix(" max")) && row.unit == "ms"
        return isRate || isCost || isLatency
    }

    static func statusClass(_ status: BenchReport.Status) -> String {
        switch status {
        case .ok: "pass"
        case .failed: "fail"
        case .unsupported: "unsupported"
        case .inconclusive: "inconclusive"
        }
    }

    static let style = """
        .muted { color: var(--muted); }
        nav ul.workloads { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
        .parameters { color: #374151; font-size: 0.9rem; }
        .table-box { overflow-x: auto; max-width: 760px; margin-bottom: 12px; }
        table.figures td.number { white-space: nowrap; } table.figures td { padding: 3px 8px; }
        table.figures tr.problem td { background: #fee2e2; font-weight: 700; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 4px 24px; align-items: start; }
        .charts .wide { grid-column: 1 / -1; }
        ul.notes { font-size: 0.9rem; }
        section.workload { margin-bottom: 28px; }
        """
}
