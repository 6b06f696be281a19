/// The run's rate over time: messages accepted and first deliveries in each whole second since
/// sending started (second 0 first), for the throughput plot of `conform bench --html`.
///
/// Arrivals before the start are not counted; the series stops growing at `maximumSeconds`, which
/// bounds its memory whatever the run's length (later arrivals fall into the last second).
public struct BenchThroughput: Sendable, Codable, Equatable {
    /// The longest series kept (one hour).
    public static let maximumSeconds = 3_600

    /// Accepted messages (201, or a success ack) per second.
    public var accepted: [Int]
    /// First `new_message` deliveries per second.
    public var delivered: [Int]

    public init(accepted: [Int] = [], delivered: [Int] = []) {
        self.accepted = accepted
        self.delivered = delivered
    }

    /// Counts one accepted message answered at `arrival` (nanoseconds on the bench clock).
    public mutating func recordAccepted(at arrival: UInt64, start: UInt64) {
        Self.add(to: &accepted, at: arrival, start: start)
    }

    /// Counts one first delivery at `arrival` (nanoseconds on the bench clock).
    public mutating func recordDelivered(at arrival: UInt64, start: UInt64) {
        Self.add(to: &delivered, at: arrival, start: start)
    }

    private static func add(to series: inout [Int], at arrival: UInt64, start: UInt64) {
        guard start > 0, arrival >= start else { return }
        let second = min(Int((arrival - start) / 1_000_000_000), maximumSeconds - 1)
        if series.count <= second { series.append(contentsOf: repeatElement(0, count: second + 1 - series.count)) }
        series[second] += 1
    }
}
