import ConformanceKit
import Foundation

// The latency workload: an open loop at a fixed rate, optionally after the disk floor.
extension BenchRunner {
    /// Open loop at `rate` for `latencyDuration`: latency from each intended send time.
    func latency(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        let label = "latency"
        let users = options.latencyUsers
        var result = BenchReport.WorkloadResult(workload: .latency, status: .ok, parameters: [
            "rate": String(options.rate), "duration s": KitFormat.duration(options.latencyDuration), "users": String(users),
            "sessions per user": "1", "connections": String(options.connections), "pipeline": String(options.pipelineDepth),
        ])
        result.parameters["nodes"] = context.nodeSpread(users: users, sessionsPerUser: 1, connections: options.connections)
        await context.reset(users: users, sessionsPerUser: 1, pipelineDepth: options.pipelineDepth)
        if let problem = await openSessionsAndPosts(context, users: users, sessionsPerUser: 1, posts: true, label: label) {
            return await inconclusive(result, problem, context)
        }
        if let directory = options.diskFloorDirectory {
            progress("[\(label)] disk floor: the same open loop against the disk alone, in \(directory)")
            let floor = await BenchDiskFloor.measure(directory: directory, rate: options.rate, duration: options.latencyDuration)
            result.parameters["disk floor directory"] = directory
            result.diskFloorLatency = BenchReport.Latency(floor.latency)
            result.figures.append(.init("disk floor rounds (write + fdatasync)", Double(floor.rounds)))
            result.figures.append(.init("disk floor round p99", BenchReport.Latency(floor.roundDuration).p99, "ms"))
            result.figures.append(.init("disk floor round max", BenchReport.Latency(floor.roundDuration).max, "ms"))
            if let error = floor.error { result.notes.append("disk floor: \(error)") }
        }
        let count = max(1, Int((Double(options.rate) * Self.seconds(options.latencyDuration)).rounded()))
        let rate = Double(options.rate)
        let measure = Measurement(serverProcessID: serverProcessID)
        _ = await context.engine.onLoop { driver, loop in
            driver.startSending(.openLoop(start: BenchClock.nanoseconds() + 1_000_000, rate: rate, count: count), context: loop)
        }
        return await finishSending(context, label: label, within: options.latencyDuration + options.drainTimeout, measure: measure, into: result)
    }
}
