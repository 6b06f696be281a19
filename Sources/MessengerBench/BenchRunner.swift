import ConformanceKit
import Foundation
import WireCodecs

/// Runs the selected bench workloads against one server, or one deployment with several entry points
/// (`--node`: sessions and POST connections spread over them by `BenchNodeSpread`), in order, with
/// progress lines, and returns the report. Every workload is bounded in time and count.
public struct BenchRunner: Sendable {
    public let options: BenchOptions
    /// The entry points: one server's base URL, or every node of the deployment.
    public let baseURLs: [String]
    public let serverProcessID: Int32?
    private let progress: @Sendable (String) -> Void

    public init(options: BenchOptions, baseURLs: [String], serverProcessID: Int32?, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.baseURLs = baseURLs
        self.serverProcessID = serverProcessID
        self.progress = progress
    }

    public init(options: BenchOptions, baseURL: String, serverProcessID: Int32?, progress: @escaping @Sendable (String) -> Void) {
        self.init(options: options, baseURLs: [baseURL], serverProcessID: serverProcessID, progress: progress)
    }

    /// Runs every selected workload.
    public func run() async -> BenchReport {
        var report = BenchReport(date: Self.isoDate(), target: baseURLs.joined(separator: " "), machine: Self.machine())
        if let serverProcessID { report.machine["server pid"] = String(serverProcessID) }
        BenchProcessStats.raiseOpenFileLimit()
        let addresses = baseURLs.compactMap(KitServerAddress.init(baseURL:))
        guard !addresses.isEmpty, addresses.count == baseURLs.count else {
            report.results = options.workloads.map { .init(workload: $0, status: .inconclusive, notes: ["bad URL in \(baseURLs)"]) }
            return report
        }
        let engine: BenchEngine
        do {
            engine = try BenchEngine()
        } catch {
            report.results = options.workloads.map { .init(workload: $0, status: .inconclusive, notes: ["cannot start the bench loop: \(error)"]) }
            return report
        }
        defer { engine.shutdown() }
        let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        report.machine["seed"] = String(seed)
        let spread = BenchNodeSpread(nodeCount: addresses.count, seed: seed)
        if addresses.count > 1 {
            report.machine["nodes"] = String(addresses.count)
            progress("\(addresses.count) nodes, sessions and POST connections spread over them (seed \(seed)): "
                + "user u's session s on node (first(u) + s) mod \(addresses.count), POST connection i on node (i + \(spread.node(postConnection: 0))) mod \(addresses.count)")
        }
        for workload in options.workloads {
            let context = WorkloadContext(
                engine: engine, endpoints: addresses.map(BenchEndpoint.init), spread: spread,
                content: BenchContent(token: token + String(workload.rawValue.prefix(1)), contentBytes: options.contentBytes),
                seed: seed ^ UInt64(workload.rawValue.hashValue & 0xFFFF))
            progress("[\(workload.rawValue)] starting")
            let result: BenchReport.WorkloadResult
            switch workload {
            case .fanout: result = await fanout(context, isSocket: false)
            case .socket: result = await fanout(context, isSocket: true)
            case .latency: result = await latency(context)
            case .capacity: result = await capacity(context)
            case .history: result = await history(context)
            case .soak: result = await soak(context)
            }
            await engine.closeAll()
            progress("[\(workload.rawValue)] \(result.status.rawValue)")
            report.results.append(result)
            // Let the server forget the closed sessions before the next workload measures it.
            try? await Task.sleep(for: .milliseconds(300))
        }
        return report
    }

    struct WorkloadContext: Sendable {
        let engine: BenchEngine
        let endpoints: [BenchEndpoint]
        let spread: BenchNodeSpread
        let content: BenchContent
        let seed: UInt64

        /// A fresh driver for `users` users of `sessionsPerUser` sessions each.
        func reset(users: Int, sessionsPerUser: Int, pipelineDepth: Int, content: BenchContent? = nil, seed: UInt64? = nil) async {
            await engine.reset(
                endpoints: endpoints, spread: spread, content: content ?? self.content, users: users, sessionsPerUser: sessionsPerUser,
                pipelineDepth: pipelineDepth, seed: seed ?? self.seed)
        }

        /// With several nodes: the sessions and POST connections of each node, as a result parameter.
        func nodeSpread(users: Int, sessionsPerUser: Int, connections: Int) -> String? {
            guard endpoints.count > 1 else { return nil }
            return spread.summary(users: users, sessionsPerUser: sessionsPerUser, connections: connections).enumerated().map { node, counts in
                "node \(node + 1) \(endpoints[node].hostHeader): \(counts.sessions) sessions, \(counts.postConnections) POST connections"
            }.joined(separator: "; ")
        }
    }

    /// A snapshot of the driver's figures, taken on the loop.
    struct Snapshot: Sendable {
        var joined = 0
        var failedSessions = 0
        var readyPosts = 0
        var failedPosts = 0
        var sent = 0
        var answered = 0
        var delivered = 0
        var errors = 0
        var isSendingFinished = false
        var isComplete = false
        var sessionsPending = 0
    }

    static func snapshot(_ driver: BenchDriver, completeness: Bool = false) -> Snapshot {
        Snapshot(
            joined: driver.joinedCount, failedSessions: driver.failedSessions, readyPosts: driver.readyPostCount,
            failedPosts: driver.failedPostConnections, sent: driver.ledger.sentCount, answered: driver.answered,
            delivered: driver.ledger.deliveredCount, errors: driver.errorResponses + driver.errorEvents,
            isSendingFinished: driver.isSendingFinished, isComplete: completeness && driver.ledger.isComplete,
            sessionsPending: driver.sessionsPending)
    }

    private func snapshot(_ context: WorkloadContext, completeness: Bool = false) async -> Snapshot {
        await context.engine.onLoop { driver, _ in Self.snapshot(driver, completeness: completeness) } ?? Snapshot()
    }

    /// Polls every 20 ms until `isDone` or `timeout`; prints a progress line every second.
    private func wait(
        _ context: WorkloadContext, label: String, timeout: Duration, completeness: Bool = false,
        until isDone: @Sendable (Snapshot) -> Bool
    ) async -> (Snapshot, Bool) {
        let start = ContinuousClock.now
        var lastPrint = start
        var last = Snapshot()
        var lastSent = 0
        var lastDelivered = 0
        while true {
            last = await snapshot(context, completeness: completeness)
            if isDone(last) { return (last, true) }
            let now = ContinuousClock.now
            if now - start >= timeout { return (last, false) }
            if now - lastPrint >= .seconds(1) {
                let seconds = Double((now - lastPrint).components.attoseconds) / 1e18 + Double((now - lastPrint).components.seconds)
                progress(String(
                    format: "[%@] joined %d, sent %d (%.0f/s), answered %d, delivered %d (%.0f/s), errors %d",
                    label, last.joined, last.sent,
                    Double(last.sent - lastSent) / seconds, last.answered, last.delivered,
                    Double(last.delivered - lastDelivered) / seconds, last.errors + last.failedSessions + last.failedPosts))
                lastPrint = now
                lastSent = last.sent
                lastDelivered = last.delivered
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Setup steps

    /// Opens the sessions of `users` (each `sessionsPerUser` times) and waits until all joined.
    private func openSessions(_ context: WorkloadContext, users: Int, sessionsPerUser: Int, concurrency: Int, label: String) async -> String? {
        let total = users * sessionsPerUser
        _ = await context.engine.onLoop { driver, loop in
            driver.openSessions(users: 0..<users, concurrency: concurrency, context: loop)
        }
        let timeout = options.connectTimeout + .milliseconds(total)
        let (state, isDone) = await wait(context, label: label, timeout: timeout) { $0.joined + $0.failedSessions >= total }
        if !isDone { return "only \(state.joined) of \(total) sessions joined within \(KitFormat.duration(timeout))" }
        if state.failedSessions > 0 { return "\(state.failedSessions) of \(total) sessions failed to join" }
        return nil
    }

    private func openPosts(_ context: WorkloadContext, label: String) async -> String? {
        let count = options.connections
        _ = await context.engine.onLoop { driver, loop in driver.openPostConnections(count, context: loop) }
        let (state, isDone) = await wait(context, label: label, timeout: options.connectTimeout) { $0.readyPosts + $0.failedPosts >= count }
        if !isDone || state.failedPosts > 0 { return "only \(state.readyPosts) of \(count) POST connections connected" }
        return nil
    }

    /// Opens the sessions, then (when `posts`) the POST connections: the first problem, or nil.
    private func openSessionsAndPosts(_ context: WorkloadContext, users: Int, sessionsPerUser: Int, posts: Bool, label: String) async -> String? {
        if let problem = await openSessions(context, users: users, sessionsPerUser: sessionsPerUser, concurrency: options.connectConcurrency, label: label) {
            return problem
        }
        return posts ? await openPosts(context, label: label) : nil
    }

    /// `result` made inconclusive by a setup `problem`, with the driver's failure reasons.
    private func inconclusive(_ result: BenchReport.WorkloadResult, _ problem: String, _ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        var result = result
        result.status = .inconclusive
        result.notes = [problem] + (await failureNotes(context))
        return result
    }

    private func failureNotes(_ context: WorkloadContext) async -> [String] {
        await context.engine.onLoop { driver, _ in driver.failureReasons } ?? []
    }

    /// Once sending started: waits until it finished (at most `within`), stops it, waits for the
    /// deliveries to drain, and tallies.
    private func finishSending(
        _ context: WorkloadContext, label: String, within timeout: Duration, measure: Measurement, into result: BenchReport.WorkloadResult
    ) async -> BenchReport.WorkloadResult {
        let (_, isFinished) = await wait(context, label: label, timeout: timeout) { $0.isSendingFinished }
        _ = await context.engine.onLoop { driver, _ in driver.markSendingStopped() }
        _ = await wait(context, label: label, timeout: options.drainTimeout, completeness: true) { $0.isComplete }
        let cpu = measure.finish()
        return await collect(context, into: result, isFinished: isFinished, cpu: cpu)
    }

    // MARK: Workloads

    /// Fan-out (POST) or socket sending (`send_message`): closed loop for `duration`, then drain.
    private func fanout(_ context: WorkloadContext, isSocket: Bool) async -> BenchReport.WorkloadResult {
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

    /// Open loop at `rate` for `latencyDuration`: latency from each intended send time.
    private func latency(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
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

    /// Ramp to N joined sessions; connect-and-join rate; RSS per session.
    private func capacity(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
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

    /// Rounds of churn until `soakDuration`: the latency workload's number of fresh users connect and
    /// join, POSTs at `rate` for `soakRound`, every message checked, then every session closes; the
    /// server's RSS and descriptors are sampled after each round.
    private func soak(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
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
            let content = BenchContent(token: context.content.token + "r" + String(rounds), contentBytes: context.content.contentBytes)
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

    /// H stored messages for one user, then J joins timed from `join` to `all_messages`, each checked.
    private func history(_ context: WorkloadContext) async -> BenchReport.WorkloadResult {
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

    /// Tallies a sending workload: rates, correctness, latencies, CPU.
    private func collect(
        _ context: WorkloadContext, into base: BenchReport.WorkloadResult, isFinished: Bool, cpu: Measurement.Result
    ) async -> BenchReport.WorkloadResult {
        var result = base
        struct Collected: Sendable {
            var tally: BenchLedger.Tally
            var started: UInt64
            var stopped: UInt64
            var lastDelivery: UInt64
            var errors: Int
            var failedSessions: Int
            var failedPosts: Int
            var delivery: BenchHistogram
            var answer: BenchHistogram
            var throughput: BenchThroughput
            var crossNodeDeliveries: Int
            var notes: [String]
        }
        guard let collected = await context.engine.onLoop({ driver, _ in
            Collected(
                tally: driver.ledger.tally(), started: driver.sendingStartedAt, stopped: driver.sendingStoppedAt,
                lastDelivery: driver.lastDeliveryAt, errors: driver.errorResponses + driver.errorEvents,
                failedSessions: driver.failedSessions, failedPosts: driver.failedPostConnections,
                delivery: driver.deliveryLatency, answer: driver.answerLatency, throughput: driver.throughput,
                crossNodeDeliveries: driver.crossNodeDeliveries, notes: driver.failureReasons)
        }) else {
            result.status = .inconclusive
            result.notes.append("the bench loop ended")
            return result
        }
        let tally = collected.tally
        let sendSeconds = Double(max(1, collected.stopped &- collected.started)) / 1e9
        let deliverSeconds = Double(max(1, max(collected.stopped, collected.lastDelivery) &- collected.started)) / 1e9
        result.figures.append(.init("accepted/s", (Double(tally.accepted) / sendSeconds).rounded(), "msg/s"))
        result.figures.append(.init("delivered/s", (Double(tally.delivered) / deliverSeconds).rounded(), "new_message/s"))
        result.figures.append(.init("sending time", (sendSeconds * 1000).rounded() / 1000, "s"))
        if context.endpoints.count > 1 {
            // Deliveries on a session of another node than the one the message entered at: the fan-out
            // that crossed the deployment (through its database), not a node's own.
            result.figures.append(.init("cross-node deliveries", Double(collected.crossNodeDeliveries)))
            result.figures.append(.init("cross-node deliveries/s", (Double(collected.crossNodeDeliveries) / deliverSeconds).rounded(), "new_message/s"))
        }
        let errors = collected.errors + collected.failedSessions + collected.failedPosts
        result.figures.append(.init("errors", Double(errors)))
        result.figures += cpu.figures
        if tally.accepted > 0 {
            let perMessage = { (seconds: Double) in (seconds / Double(tally.accepted) * 1e7).rounded() / 10 }
            result.figures.append(.init("load generator CPU per message", perMessage(cpu.ownSeconds), "µs"))
            if let server = cpu.serverSeconds, server > 0 {
                result.figures.append(.init("server CPU per message", perMessage(server), "µs"))
                // What one fully available core would sustain at this cost (the machine may be shared).
                result.figures.append(.init("server msg/s per core (projected)", (Double(tally.accepted) / server).rounded(), "msg/s"))
            }
        }
        if let note = Self.inFlightNote(workload: result.workload, serverShare: cpu.serverShare, inFlight: requestsInFlight(result.workload)) {
            result.notes.append(note)
        }
        result.tally = tally
        result.deliveryLatency = BenchReport.Latency(collected.delivery)
        result.answerLatency = BenchReport.Latency(collected.answer)
        result.throughput = collected.throughput
        result.notes += collected.notes
        if !isFinished { result.notes.append("sending did not finish in time (requests still in flight)") }
        if !tally.isCorrect || errors > 0 || tally.unanswered > 0 { result.status = .failed }
        return result
    }

    // MARK: Helpers

    /// The requests (or acks) a sending workload keeps outstanding: POST connections × pipeline depth
    /// for fan-out, users × acks per user for socket.
    func requestsInFlight(_ workload: BenchOptions.Workload) -> Int {
        workload == .socket ? options.users * options.pipelineDepth : options.connections * options.pipelineDepth
    }

    /// A closed-loop sending workload that left the server's core mostly idle measured the load's
    /// round trips, not the server: say so, and how to measure the capacity (nil when not the case).
    static func inFlightNote(workload: BenchOptions.Workload, serverShare: Double?, inFlight: Int) -> String? {
        guard workload == .fanout || workload == .socket, let serverShare, serverShare < 0.85 else { return nil }
        let percent = Int((serverShare * 100).rounded())
        return "the server used \(percent) % of a core: with \(inFlight) requests in flight, their round trips "
            + "(each waits for its commit) may have set this rate rather than the server; more in flight "
            + "(--connections, --pipeline) measures its capacity"
    }

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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func mebibytes(_ bytes: Int) -> Double { (Double(bytes) / 1_048_576 * 10).rounded() / 10 }

    static func isoDate() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    static func machine() -> [String: String] {
        var machine: [String: String] = ["cores": String(ProcessInfo.processInfo.activeProcessorCount)]
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            machine["cpu"] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        machine["kernel"] = ProcessInfo.processInfo.operatingSystemVersionString
        if let affinity = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = affinity.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list") }) {
            machine["load generator cpus"] = line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return machine
    }
}
