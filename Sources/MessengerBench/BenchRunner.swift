import ConformanceKit
import Foundation

/// Runs the selected bench workloads against one server, or one deployment with several entry points
/// (`--node`: sessions and POST connections spread over them by `BenchNodeSpread`), in order, with
/// progress lines, and returns the report. Every workload is bounded in time and count.
public struct BenchRunner: Sendable {
    public let options: BenchOptions
    /// The entry points: one server's base URL, or every node of the deployment.
    public let baseURLs: [String]
    public let serverProcessID: Int32?
    /// Tokens for a server that requires authentication (`--auth-secret-file`); nil: none.
    public let authentication: KitAuthentication?
    let progress: @Sendable (String) -> Void

    public init(
        options: BenchOptions, baseURLs: [String], serverProcessID: Int32?, authentication: KitAuthentication? = nil,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.baseURLs = baseURLs
        self.serverProcessID = serverProcessID
        self.authentication = authentication
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
        let endpoints = addresses.map(BenchEndpoint.init)  // host names resolved once, off the bench loops
        for workload in options.workloads {
            let context = WorkloadContext(
                engine: engine, endpoints: endpoints, spread: spread,
                content: BenchContent(token: token + String(workload.rawValue.prefix(1)), contentBytes: options.contentBytes, authentication: authentication),
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

    func snapshot(_ context: WorkloadContext, completeness: Bool = false) async -> Snapshot {
        await context.engine.onLoop { driver, _ in Self.snapshot(driver, completeness: completeness) } ?? Snapshot()
    }

    /// Polls every 20 ms until `isDone` or `timeout`; prints a progress line every second.
    func wait(
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
    func openSessions(_ context: WorkloadContext, users: Int, sessionsPerUser: Int, concurrency: Int, label: String) async -> String? {
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

    func openPosts(_ context: WorkloadContext, label: String) async -> String? {
        let count = options.connections
        _ = await context.engine.onLoop { driver, loop in driver.openPostConnections(count, context: loop) }
        let (state, isDone) = await wait(context, label: label, timeout: options.connectTimeout) { $0.readyPosts + $0.failedPosts >= count }
        if !isDone || state.failedPosts > 0 { return "only \(state.readyPosts) of \(count) POST connections connected" }
        return nil
    }

    /// Opens the sessions, then (when `posts`) the POST connections: the first problem, or nil.
    func openSessionsAndPosts(_ context: WorkloadContext, users: Int, sessionsPerUser: Int, posts: Bool, label: String) async -> String? {
        if let problem = await openSessions(context, users: users, sessionsPerUser: sessionsPerUser, concurrency: options.connectConcurrency, label: label) {
            return problem
        }
        return posts ? await openPosts(context, label: label) : nil
    }

    /// `result` made inconclusive by a setup `problem`, with the driver's failure reasons.
    func inconclusive(_ result: BenchReport.WorkloadResult, _ problem: String, _ context: WorkloadContext) async -> BenchReport.WorkloadResult {
        var result = result
        result.status = .inconclusive
        result.notes = [problem] + (await failureNotes(context))
        return result
    }

    func failureNotes(_ context: WorkloadContext) async -> [String] {
        await context.engine.onLoop { driver, _ in driver.failureReasons } ?? []
    }

    /// Once sending started: waits until it finished (at most `within`), stops it, waits for the
    /// deliveries to drain, and tallies.
    func finishSending(
        _ context: WorkloadContext, label: String, within timeout: Duration, measure: Measurement, into result: BenchReport.WorkloadResult
    ) async -> BenchReport.WorkloadResult {
        let (_, isFinished) = await wait(context, label: label, timeout: timeout) { $0.isSendingFinished }
        _ = await context.engine.onLoop { driver, _ in driver.markSendingStopped() }
        _ = await wait(context, label: label, timeout: options.drainTimeout, completeness: true) { $0.isComplete }
        let cpu = measure.finish()
        return await collect(context, into: result, isFinished: isFinished, cpu: cpu)
    }

    /// Tallies a sending workload: rates, correctness, latencies, CPU.
    func collect(
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
