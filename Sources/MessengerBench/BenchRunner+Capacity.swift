import Foundation

// The capacity workload: a ramp to N joined sessions, the server's RSS per session.
extension BenchRunner {
    /// Ramp to N joined sessions; connect-and-join rate; RSS per session.
    func capacity(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        let label = "capacity"
        let total = options.capacitySessions
        var result = BenchReport.WorkloadResult(workload: .capacity, status: .ok, parameters: [
            "sessions": String(total), "connect concurrency": String(options.connectConcurrency),
        ])
        await context.reset(users: total, sessionsPerUser: 1, pipelineDepth: 1)
        let rssBefore = serverProcessID.flatMap { BenchProcessStats.residentBytes(processID: $0) }
        let measure = Measurement(serverProcessID: serverProcessID)
        let start = BenchClock.nanoseconds()
        let problem = await openSessions(context, users: total, sessionsPerUser: 1, concurrency: options.connectConcurrency, label: label)
        let cpu = measure.finish()
        let (joined, lastJoin, joinHistogram, notes) = await context.engine.onLoop { driver, _ in
            (driver.joinedCount, driver.lastJoinAt, driver.joinLatency, driver.failureReasons)
        } ?? (0, 0, BenchHistogram(), [])
        let seconds = Double(max(1, lastJoin &- start)) / 1e9
        result.figures.append(.init("joined sessions", Double(joined)))
        result.figures.append(.init("connect-and-join rate", (Double(joined) / seconds).rounded(), "sessions/s"))
        result.figures.append(.init("ramp time", (seconds * 1000).rounded() / 1000, "s"))
        if let pid = serverProcessID, let before = rssBefore, let after = BenchProcessStats.residentBytes(processID: pid) {
            result.figures.append(.init("server RSS before", Self.mebibytes(before), "MiB"))
            result.figures.append(.init("server RSS with sessions", Self.mebibytes(after), "MiB"))
            result.figures.append(.init("server RSS per session", (Double(after - before) / Double(max(1, joined)) / 1024 * 10).rounded() / 10, "KiB"))
        } else {
            result.notes.append("server RSS not measured (no --server-pid)")
        }
        result.figures += cpu.figures
        result.joinLatency = BenchReport.Latency(joinHistogram)
        if let problem {
            result.status = joined == 0 ? .inconclusive : .failed
            result.notes = [problem] + notes + result.notes
        }
        return result
    }
}
