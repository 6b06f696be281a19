import ConformanceKit
import Foundation

/// The results of one `conform bench` run: per workload its figures, its correctness tally and its
/// latency distributions; rendered as a table and as JSON (`--json`).
public struct BenchReport: Sendable, Codable {
    /// A latency distribution in milliseconds.
    public struct Latency: Sendable, Codable, Equatable {
        public var count: UInt64
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        public var mean: Double
        /// HdrHistogram-style percentile distribution: [value ms, percentile, cumulative count].
        public var distribution: [[Double]]

        public init(_ histogram: BenchHistogram) {
            func milliseconds(_ nanoseconds: UInt64) -> Double { (Double(nanoseconds) / 1e3).rounded() / 1e3 }
            count = histogram.count
            p50 = milliseconds(histogram.value(atPercentile: 50))
            p90 = milliseconds(histogram.value(atPercentile: 90))
            p99 = milliseconds(histogram.value(atPercentile: 99))
            p999 = milliseconds(histogram.value(atPercentile: 99.9))
            max = milliseconds(histogram.maximum)
            mean = (histogram.mean / 1e3).rounded() / 1e3
            // Four ticks per halving: enough points for the page's plot to follow the curve into the tail.
            distribution = histogram.percentileDistribution(ticksPerHalf: 4).map { [milliseconds($0.value), $0.percentile, Double($0.count)] }
        }
    }

    /// One named figure of a workload.
    public struct Figure: Sendable, Codable, Equatable {
        public var name: String
        public var value: Double
        public var unit: String

        public init(_ name: String, _ value: Double, _ unit: String = "") {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    /// How a workload ended.
    public enum Status: String, Sendable, Codable {
        /// Ran and was correct.
        case ok
        /// Lost, duplicated, misdelivered or unattributable messages, or errors.
        case failed
        /// The server does not offer what the workload needs (send_message).
        case unsupported
        /// Could not run (server unreachable, sessions did not join in time).
        case inconclusive
    }

    public struct WorkloadResult: Sendable, Codable {
        public var workload: BenchOptions.Workload
        public var status: Status
        public var parameters: [String: String]
        public var figures: [Figure]
        public var tally: BenchLedger.Tally?
        /// new_message latency (latency workload: from the intended send time).
        public var deliveryLatency: Latency?
        /// From send (intended, in the open loop) to the 201 or ack.
        public var answerLatency: Latency?
        /// From `join` to `all_messages`.
        public var joinLatency: Latency?
        /// Latency workload with `--disk-floor`: the same open loop against the disk alone (`BenchDiskFloor`).
        public var diskFloorLatency: Latency?
        /// Sending workloads: accepted messages and first deliveries per second of the run.
        public var throughput: BenchThroughput?
        public var notes: [String]

        public init(workload: BenchOptions.Workload, status: Status, parameters: [String: String] = [:], figures: [Figure] = [], notes: [String] = []) {
            self.workload = workload
            self.status = status
            self.parameters = parameters
            self.figures = figures
            self.notes = notes
        }

        /// The figure with this name.
        public func figure(_ name: String) -> Double? { figures.first { $0.name == name }?.value }
    }

    public var date: String
    public var target: String
    public var machine: [String: String]
    public var results: [WorkloadResult] = []

    public init(date: String, target: String, machine: [String: String]) {
        self.date = date
        self.target = target
        self.machine = machine
    }

    /// 0 every workload correct (or unsupported), 1 a workload failed, 2 a workload could not run.
    public var exitStatus: ExitStatus {
        if results.contains(where: { $0.status == .failed }) { return .failure }
        if results.contains(where: { $0.status == .inconclusive }) { return .inconclusive }
        return .success
    }

    /// The results as pretty-printed JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The readable table: one block per workload, one row per figure.
    public func table() -> String {
        var rows: [(String, String, String)] = [("workload", "figure", "value")]
        for result in results {
            rows.append((result.workload.rawValue, "status", result.status.rawValue.uppercased()))
            for figure in result.figures {
                rows.append(("", figure.name, Self.format(figure.value) + (figure.unit.isEmpty ? "" : " " + figure.unit)))
            }
            if let tally = result.tally {
                rows.append(("", "sent / accepted / rejected / unanswered", "\(tally.sent) / \(tally.accepted) / \(tally.rejected) / \(tally.unanswered)"))
                rows.append(("", "delivered / expected", "\(tally.delivered) / \(tally.expectedDeliveries)"))
                rows.append(("", "lost / duplicated / misdelivered", "\(tally.lost) / \(tally.duplicated) / \(tally.misdelivered)"))
                if tally.deliveredRejected > 0 || tally.unknown > 0 {
                    rows.append(("", "delivered refused / unattributable", "\(tally.deliveredRejected) / \(tally.unknown)"))
                }
            }
            for (name, latency) in [
                ("new_message latency", result.deliveryLatency), ("answer latency", result.answerLatency),
                ("join → all_messages", result.joinLatency), ("disk floor latency", result.diskFloorLatency),
            ] {
                guard let latency, latency.count > 0 else { continue }
                rows.append(("", "\(name) p50/p90/p99/p99.9/max", String(
                    format: "%.3f / %.3f / %.3f / %.3f / %.3f ms", latency.p50, latency.p90, latency.p99, latency.p999, latency.max)))
            }
            for note in result.notes.prefix(6) { rows.append(("", "note", note)) }
        }
        let first = rows.map(\.0.count).max() ?? 0
        let second = rows.map(\.1.count).max() ?? 0
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            lines.append(row.0.padding(toLength: first, withPad: " ", startingAt: 0) + "  "
                + row.1.padding(toLength: second, withPad: " ", startingAt: 0) + "  " + row.2)
            if index == 0 { lines.append(String(repeating: "-", count: first + second + 4 + 24)) }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        return String(format: "%.3g", value)
    }
}
