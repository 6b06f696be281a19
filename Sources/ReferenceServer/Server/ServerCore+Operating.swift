import MessageStore
import NetworkCore
import WireCodecs

/// What the server tells its operator: `/healthz`, `/metrics` (Spec HTTP-3) and the periodic summary
/// line, from `ServerCore.metrics` (README "Operating").
extension ServerCore {
    /// A failed commit keeps `/healthz` at 503 this long unless a later one succeeds.
    static let storageProblemWindow: Duration = .seconds(30)

    /// The answer to `/healthz` or `/metrics`; nil for any other path.
    func operatingResponse(_ request: HTTPRequest, context: LoopContext) -> HTTPResponse? {
        let head = request.head
        guard head.path == "/healthz" || head.path == "/metrics" else { return nil }
        guard head.method == "GET" || head.method == "HEAD" else {
            var response = HTTPResponse.jsonError(status: 405, reason: "method not allowed; use GET", origin: nil)
            response.head.headers.add(name: "Allow", value: "GET, HEAD")
            return response
        }
        if head.path == "/metrics" {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            let text = state.value.metrics.prometheusText(gauges(context))
            return HTTPResponse(head: HTTPResponseHead(status: 200, headers: headers), body: Array(text.utf8))
        }
        if let problem = healthProblem(now: context.now) {
            let body = JSONValue.object([JSONMember("status", .string("unavailable")), JSONMember("reason", .string(problem))])
            return .retryLater(status: 503, body: Array(body.serialized().utf8), retryAfterSeconds: configuration.operating.retryAfterSeconds)
        }
        return .json(status: 200, body: Array(#"{"status":"ok"}"#.utf8), origin: nil)
    }

    /// Why the server does not accept messages now ("storage: …", "overload: …"); nil when it does.
    func healthProblem(now: ContinuousClock.Instant) -> String? {
        let snapshot = state.value.metrics
        if let storage = snapshot.storageProblem(now: now, window: Self.storageProblemWindow) { return "storage: \(storage)" }
        let bound = configuration.operating.maxPendingCommits
        if bound > 0, snapshot.pendingCommits >= bound {
            return "overload: \(snapshot.pendingCommits) messages wait for the disk (the bound is \(bound))"
        }
        return nil
    }

    /// The gauges of `/metrics` and the summary, read now on the loop.
    func gauges(_ context: LoopContext) -> ServerGauges {
        let sessions = state.value.sessions
        let polling = sessions.values.filter { $0.engineIO.transport == .polling }.count
        let webSocket = sessions.count - polling
        return ServerGauges(
            connections: context.connectionCount, sessionsPolling: polling, sessionsWebSocket: webSocket,
            openDescriptors: ProcessResources.openDescriptorCount(), descriptorLimit: ProcessResources.descriptorLimit(),
            bytesReceived: context.bytesReceived, bytesSent: context.bytesSent, residentBytes: ProcessResources.residentBytes(),
            answeredFromReserve: context.connectionsAnsweredFromReserve)
    }

    /// Writes the summary line at info every `OperatingLimits.summaryIntervalSeconds` (0: never).
    func scheduleSummary(context: LoopContext, previous: ServerMetrics = ServerMetrics()) {
        let seconds = configuration.operating.summaryIntervalSeconds
        guard seconds > 0 else { return }
        context.scheduleTimer(after: .seconds(seconds)) { [self] context in
            let current = state.value.metrics
            let line = current.summary(
                since: previous, gauges: gauges(context), suppressedLogLines: logger.takeSuppressedCount(), interval: .seconds(seconds))
            logger.log(.info, line)
            scheduleSummary(context: context, previous: current)
        }
    }
}

extension ServerCore {
    /// The answer a client gets from the listener's reserve descriptor when none is left: 503, closed.
    static let descriptorReserveAnswer: [UInt8] = {
        var response = HTTPResponse.retryLater(status: 503, reason: "the server is at its connection limit; try again later", retryAfterSeconds: 1, origin: nil)
        response.head.headers.add(name: "Connection", value: "close")
        return response.serialized()
    }()

    /// Reads the descriptor limit and what the process uses besides connections (at start, on the loop).
    func measureDescriptorBudget(context: LoopContext) {
        let limit = ProcessResources.descriptorLimit()
        let base = ProcessResources.openDescriptorCount() - context.connectionCount
        state.value.admission.setDescriptorBudget(limit: limit, base: base)
    }

    /// Above the descriptor high-water mark: closes the sessions that never sent CONNECT, oldest first,
    /// then the idle keep-alive connections whose idle time started first (`OperatingLimits.descriptorHighWaterPercent`).
    func freeDescriptorsIfNeeded(context: LoopContext) {
        guard state.value.admission.isAboveHighWater(connections: context.connectionCount) else { return }
        // Confirm with a fresh count before shedding anyone: what the process used besides this server's
        // connections was measured at start and may have fallen since (another server of the process, a
        // file, a flood that ended); a stale figure shed sessions of a process far from its limit.
        measureDescriptorBudget(context: context)
        let count = state.value.admission.descriptorsToFree(connections: context.connectionCount, now: context.now)
        guard count > 0 else { return }
        let unconnected = state.value.oldestUnconnectedSessions(count / 2)
        perform(state.value.closeSessions(unconnected, at: time(context)), context: context)
        let sessions = unconnected.count
        let idle = httpHandlers.value.values.compactMap { handler -> (ContinuousClock.Instant, HTTPConnectionHandler)? in
            handler.idleDeadlineIfIdle.map { ($0, handler) }
        }.sorted { $0.0 < $1.0 }.prefix(count - sessions)
        for (_, handler) in idle { handler.closeConnection() }
        state.value.metrics.connectionsShed += idle.count
        logger.log(.warning, key: "descriptor high water",
                   "\(context.connectionCount + idle.count) connections near the descriptor limit: closed \(idle.count) idle keep-alive connection(s) and \(sessions) session(s) that never sent CONNECT")
    }
}

extension ServerCore {
    /// Gives free heap memory back to the kernel 1 s after a wave of closes (`OperatingLimits.trimAfterClosedConnections`).
    func scheduleMemoryTrim(context: LoopContext) {
        context.scheduleTimer(after: .seconds(1)) { [self] context in
            let before = ProcessResources.residentBytes()
            MemoryTrim.releaseFreeMemory()
            let after = ProcessResources.residentBytes()
            closeWave.value.trimmed(open: state.value.connections.count)
            logger.log(.info, key: "memory trim", "a wave of closed connections: resident memory \(before >> 20) MiB -> \(after >> 20) MiB after returning free heap memory")
        }
    }
}
