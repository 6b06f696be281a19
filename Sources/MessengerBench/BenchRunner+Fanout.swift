import ConformanceKit
import Foundation

// Fan-out and socket sending: the closed-loop workloads, drained and tallied.
extension BenchRunner {
    /// Fan-out (POST) or socket sending (`send_message`): closed loop for `duration`, then drain.
    func fanout(_ context: WorkloadContext, isSocket: Bool) async -> BenchReport.WorkloadResult {
        let workload: BenchOptions.Workload = isSocket ? .socket : .fanout
        let label = workload.rawValue
        let users = options.users
        let perUser = options.sessionsPerUser
        var result = BenchReport.WorkloadResult(workload: workload, status: .ok, parameters: [
            "users": String(users), "sessions per user": String(perUser),
            "connections": isSocket ? "\(users) sending sessions" : String(options.connections),
            "pipeline": String(options.pipelineDepth), "duration s": KitFormat.duration(options.duration),
            "content bytes": String(options.contentBytes),
        ])
        result.parameters["nodes"] = context.nodeSpread(users: users, sessionsPerUser: perUser, connections: isSocket ? 0 : options.connections)
        await context.reset(users: users, sessionsPerUser: perUser, pipelineDepth: options.pipelineDepth)
        if let problem = await openSessionsAndPosts(context, users: users, sessionsPerUser: perUser, posts: !isSocket, label: label) {
            return await inconclusive(result, problem, context)
        }
        let measure = Measurement(serverProcessID: serverProcessID)
        let durationNanoseconds = UInt64(options.duration.components.seconds) * 1_000_000_000 + UInt64(options.duration.components.attoseconds / 1_000_000_000)
        _ = await context.engine.onLoop { driver, loop in
            let deadline = BenchClock.nanoseconds() + durationNanoseconds
            driver.startSending(isSocket ? .socketClosedLoop(deadline: deadline) : .closedLoop(deadline: deadline, remaining: nil), context: loop)
        }
        if isSocket {
            // A server without send_message never acknowledges: report unsupported, not failed (Spec §10).
            let (probe, _) = await wait(context, label: label, timeout: min(options.duration, .seconds(2))) { $0.answered > 0 }
            if probe.answered == 0 {
                result.status = .unsupported
                result.notes = ["no send_message acknowledged within \(KitFormat.duration(min(options.duration, .seconds(2)))): the server does not offer EXT-1"]
                return result
            }
        }
        return await finishSending(context, label: label, within: options.duration + options.drainTimeout, measure: measure, into: result)
    }
}
