import ConformanceKit
import Foundation

// The soak workload: rounds of churn, the server's RSS and descriptors sampled after each.
extension BenchRunner {
    /// Rounds of churn until `soakDuration`: the latency workload's number of fresh users connect and
    /// join, POSTs at `rate` for `soakRound`, every message checked, then every session closes; the
    /// server's RSS and descriptors are sampled after each round.
    func soak(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        let label = "soak"
        let users = options.latencyUsers
        var result = BenchReport.WorkloadResult(workload: .soak, status: .ok, parameters: [
            "duration s": KitFormat.duration(options.soakDuration), "round s": KitFormat.duration(options.soakRound),
            "rate": String(options.rate), "users": String(users), "connections": String(options.connections),
        ])
        var total = BenchLedger.Tally()
        var samples: [(rss: Int, descriptors: Int)] = []
        var rounds = 0
        let start = ContinuousClock.now
        let measure = Measurement(serverProcessID: serverProcessID)
        while ContinuousClock.now - start < options.soakDuration {
            rounds += 1
            // Fresh users each round: a user's history (and so its join) stays the size of one round.
            let content = BenchContent(
                token: context.content.token + "r" + String(rounds), contentBytes: context.content.contentBytes,
                authentication: context.content.authentication)
            await context.reset(users: users, sessionsPerUser: 1, pipelineDepth: options.pipelineDepth, content: content, seed: context.seed &+ UInt64(rounds))
            if let problem = await openSessionsAndPosts(context, users: users, sessionsPerUser: 1, posts: true, label: label) {
                return await inconclusive(result, "round \(rounds): \(problem)", context)
            }
            let count = max(1, Int((Double(options.rate) * Self.seconds(options.soakRound)).rounded()))
            let rate = Double(options.rate)
            _ = await context.engine.onLoop { driver, loop in
                driver.startSending(.openLoop(start: BenchClock.nanoseconds() + 1_000_000, rate: rate, count: count), context: loop)
            }
            let round = await finishSending(
                context, label: "\(label) round \(rounds)", within: options.soakRound + options.drainTimeout,
                measure: Measurement(serverProcessID: nil), into: BenchReport.WorkloadResult(workload: .soak, status: .ok))
            await context.engine.closeAll()
            if let tally = round.tally { total.add(tally) }
            if round.status != .ok {
                result.status = .failed
                result.notes.append("round \(rounds): " + round.notes.joined(separator: "; "))
            }
            if let pid = serverProcessID {
                try? await Task.sleep(for: .milliseconds(300))  // let the server forget the closed sessions
                samples.append((BenchProcessStats.residentBytes(processID: pid) ?? 0, BenchProcessStats.openDescriptors(processID: pid) ?? 0))
                progress("[\(label)] round \(rounds): server RSS \(Self.mebibytes(samples.last!.rss)) MiB, \(samples.last!.descriptors) fds")
            }
        }
        result.figures.append(.init("rounds", Double(rounds)))
        result.figures += measure.finish().figures
        if let first = samples.first, let last = samples.last {
            result.figures.append(.init("server RSS after round 1", Self.mebibytes(first.rss), "MiB"))
            result.figures.append(.init("server RSS after the last round", Self.mebibytes(last.rss), "MiB"))
            result.figures.append(.init("server RSS max", Self.mebibytes(samples.map(\.rss).max() ?? 0), "MiB"))
            result.figures.append(.init("server fds after round 1", Double(first.descriptors)))
            result.figures.append(.init("server fds after the last round", Double(last.descriptors)))
            result.figures.append(.init("server fds max", Double(samples.map(\.descriptors).max() ?? 0)))
            result.parameters["RSS MiB per round"] = samples.map { String(Self.mebibytes($0.rss)) }.joined(separator: " ")
            result.parameters["fds per round"] = samples.map { String($0.descriptors) }.joined(separator: " ")
        } else {
            result.notes.append("server RSS and descriptors not sampled (no --server-pid)")
        }
        result.tally = total
        if !total.isCorrect { result.status = .failed }
        return result
    }
}
