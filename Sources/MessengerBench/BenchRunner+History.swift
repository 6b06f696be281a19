import Foundation
import WireCodecs

// The history workload: joins of a user with H stored messages, each `all_messages` checked.
extension BenchRunner {
    /// H stored messages for one user, then J joins timed from `join` to `all_messages`, each checked.
    func history(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        let label = "history"
        let stored = options.historyMessages
        var result = BenchReport.WorkloadResult(workload: .history, status: .ok, parameters: [
            "stored messages": String(stored), "joins": String(options.historyJoins),
        ])
        await context.reset(users: 1, sessionsPerUser: 1, pipelineDepth: options.pipelineDepth)
        if let problem = await openPosts(context, label: label) {
            return await inconclusive(result, problem, context)
        }
        let fillStart = BenchClock.nanoseconds()
        let fillLimit: Duration = .seconds(60)
        _ = await context.engine.onLoop { driver, loop in
            driver.startSending(.closedLoop(deadline: fillStart + 60_000_000_000, remaining: stored), context: loop)
        }
        let (filled, _) = await wait(context, label: label, timeout: fillLimit) { $0.isSendingFinished }
        _ = await context.engine.onLoop { driver, _ in driver.markSendingStopped() }
        let fillSeconds = Double(BenchClock.nanoseconds() - fillStart) / 1e9
        let accepted = await context.engine.onLoop { driver, _ in driver.ledger.tally().accepted } ?? 0
        result.figures.append(.init("messages stored", Double(accepted)))
        result.figures.append(.init("store rate", (Double(accepted) / max(fillSeconds, 1e-9)).rounded(), "msg/s"))
        guard accepted == stored, filled.errors == 0 else {
            result.status = .failed
            result.notes = ["only \(accepted) of \(stored) messages accepted"] + (await failureNotes(context))
            return result
        }
        var problems: [String] = []
        for join in 0..<options.historyJoins {
            _ = await context.engine.onLoop { driver, loop in
                driver.openSessions(users: 0..<1, concurrency: 1, context: loop, keepsAllMessagesText: true)
            }
            let (state, isDone) = await wait(context, label: label, timeout: options.connectTimeout + .seconds(10)) {
                $0.joined + $0.failedSessions >= join + 1
            }
            guard isDone, state.failedSessions == 0 else {
                problems.append("join \(join + 1) did not receive all_messages")
                break
            }
        }
        let (texts, joinHistogram) = await context.engine.onLoop { driver, _ in (driver.allMessagesTexts, driver.joinLatency) } ?? ([], BenchHistogram())
        for (index, text) in texts.enumerated() {
            if let problem = Self.checkHistory(text, content: context.content, expected: stored) {
                problems.append("join \(index + 1): \(problem)")
            }
        }
        result.joinLatency = BenchReport.Latency(joinHistogram)
        result.figures.append(.init("join → all_messages median", BenchReport.Latency(joinHistogram).p50, "ms"))
        result.figures.append(.init("join → all_messages max", BenchReport.Latency(joinHistogram).max, "ms"))
        result.figures.append(.init("all_messages size", Double(texts.first?.utf8.count ?? 0) / 1024, "KiB"))
        if !problems.isEmpty {
            result.status = .failed
            result.notes = problems
        }
        return result
    }

    /// Checks one `all_messages` event text: the conversation with the bench's sender lists each of
    /// messages 0..<expected exactly once (Spec JOIN-3). The messages were pipelined on several
    /// connections, so their acceptance order is the server's to choose and is not checked here.
    /// Returns the problem, or nil.
    static func checkHistory(_ text: String, content: BenchContent, expected: Int) -> String? {
        guard text.hasPrefix("42") else { return "not a Socket.IO EVENT" }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(text.utf8.dropFirst(2)), maxDepth: 16)
        } catch {
            return "all_messages is not JSON: \(error)"
        }
        guard let arguments = value.arrayValue, arguments.count >= 2, arguments[0].stringValue == "all_messages",
              arguments[1].objectMembers != nil else { return "not an all_messages event with an object" }
        let conversation = arguments[1][content.senderName]?.arrayValue ?? []
        var seen = [Bool](repeating: false, count: expected)
        var duplicated = 0
        var foreign = 0
        for message in conversation {
            guard let text = message["content"]?.stringValue,
                  let sequence = content.sequence(inEventText: "\"content\":\"" + text + "\""), sequence < expected else {
                foreign += 1
                continue
            }
            if seen[sequence] { duplicated += 1 } else { seen[sequence] = true }
        }
        let lost = seen.lazy.filter { !$0 }.count
        guard lost == 0, duplicated == 0, foreign == 0 else {
            return "of \(expected) stored messages, all_messages lost \(lost), duplicated \(duplicated), and listed \(foreign) unknown"
        }
        return nil
    }
}
