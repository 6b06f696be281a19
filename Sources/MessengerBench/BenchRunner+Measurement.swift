import Foundation

// How CPU use is measured over a workload's interval.
extension BenchRunner {
    /// CPU use of the load generator (this process) and of the server, over a measured interval.
    struct Measurement {
        struct Result: Sendable {
            var figures: [BenchReport.Figure]
            var ownSeconds: Double
            var serverSeconds: Double?
            /// The server's CPU seconds per wall-clock second over the interval (1 = one core busy).
            var serverShare: Double?
        }

        let serverProcessID: Int32?
        let wallStart = BenchClock.nanoseconds()
        let ownStart = BenchProcessStats.ownCPUSeconds()
        let serverStart: Double?

        init(serverProcessID: Int32?) {
            self.serverProcessID = serverProcessID
            self.serverStart = serverProcessID.flatMap { BenchProcessStats.cpuSeconds(processID: $0) }
        }

        func finish() -> Result {
            let wall = Double(BenchClock.nanoseconds() - wallStart) / 1e9
            let own = BenchProcessStats.ownCPUSeconds() - ownStart
            var figures = [BenchReport.Figure("load generator CPU", (own / wall * 1000).rounded() / 10, "% of a core")]
            var server: Double?
            if let serverProcessID, let serverStart, let serverEnd = BenchProcessStats.cpuSeconds(processID: serverProcessID) {
                server = serverEnd - serverStart
                figures.append(.init("server CPU", ((serverEnd - serverStart) / wall * 1000).rounded() / 10, "% of a core"))
            }
            return Result(figures: figures, ownSeconds: own, serverSeconds: server, serverShare: server.map { $0 / wall })
        }
    }
}
