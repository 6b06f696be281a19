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
            let text = metrics.withLock { $0 }.prometheusText(gauges(context))
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
        let snapshot = metrics.withLock { $0 }
        if let storage = snapshot.storageProblem(now: now, window: Self.storageProblemWindow) { return "storage: \(storage)" }
        let bound = configuration.operating.maxPendingCommits
        if bound > 0, snapshot.pendingCommits >= bound {
            return "overload: \(snapshot.pendingCommits) messages wait for the disk (the bound is \(bound))"
        }
        return nil
    }

    /// The gauges of `/metrics` and the summary, read now on the loop.
    func gauges(_ context: LoopContext) -> ServerGauges {
        let (polling, webSocket) = state.withLock { state -> (Int, Int) in
            let polling = state.sessions.values.filter { $0.engineIO.transport == .polling }.count
            return (polling, state.sessions.count - polling)
        }
        return ServerGauges(
            connections: context.connectionCount, sessionsPolling: polling, sessionsWebSocket: webSocket,
            openDescriptors: ProcessResources.openDescriptorCount(), descriptorLimit: ProcessResources.descriptorLimit(),
            bytesReceived: context.bytesReceived, bytesSent: context.bytesSent, residentBytes: ProcessResources.residentBytes(),
            answeredFromReserve: context.connectionsAnsweredFromReserve)
    }

    /// Counts the commits handed over: queue depth, latency, accepted, refused, storage health.
    func recordCommits(_ results: [(CommitOrigin, Result<StoredMessage, StorageError>, ContinuousClock.Instant)], now: ContinuousClock.Instant) {
        metrics.withLock { metrics in
            for (origin, result, submittedAt) in results {
                // Another node's commit (cluster): delivered here, but neither queued nor accepted by this node.
                if case .otherNode = origin { continue }
                metrics.pendingCommits = max(0, metrics.pendingCommits - 1)
                let latency = (now - submittedAt).components
                metrics.recordCommitLatency(seconds: Double(latency.seconds) + Double(latency.attoseconds) / 1e18)
                switch result {
                case .success:
                    metrics.messagesAccepted += 1
                    metrics.lastStorageSuccess = now
                case .failure(let error):
                    metrics.refused(error.isStorageFault ? .storage : .internalError)
                    if error.isStorageFault, error != .closed { metrics.lastStorageFailure = (now, error.summary) }
                }
            }
        }
    }

    /// Writes the summary line at info every `OperatingLimits.summaryIntervalSeconds` (0: never).
    func scheduleSummary(context: LoopContext, previous: ServerMetrics = ServerMetrics()) {
        let seconds = configuration.operating.summaryIntervalSeconds
        guard seconds > 0 else { return }
        context.scheduleTimer(after: .seconds(seconds)) { [self] context in
            let current = metrics.withLock { $0 }
            let line = current.summary(
                since: previous, gauges: gauges(context), suppressedLogLines: logger.takeSuppressedCount(), interval: .seconds(seconds))
            logger.log(.info, line)
            scheduleSummary(context: context, previous: current)
        }
    }
}

extension ServerCore {
    /// The reason to refuse a message at once because the commit queue is at its bound (counted); nil
    /// when it may be submitted. `OperatingLimits.maxPendingCommits`.
    func overloadRefusal() -> String? {
        let bound = configuration.operating.maxPendingCommits
        let isFull = metrics.withLock { metrics -> Bool in
            guard bound > 0, metrics.pendingCommits >= bound else { return false }
            metrics.refused(.overload)
            return true
        }
        guard isFull else { return nil }
        logger.log(.warning, key: "commit queue full", "message refused: \(bound) messages already wait for the disk")
        return "message not stored: the server is overloaded; try again later"
    }
}

extension ServerCore {
    /// The IP a counted connection came from ("" when unknown).
    func remoteIP(of connection: ConnectionID) -> String { admission.withLock { $0.ip(of: connection) } ?? "" }
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
        admission.withLock { $0.setDescriptorBudget(limit: limit, base: base) }
    }

    /// Above the descriptor high-water mark: closes the sessions that never sent CONNECT, oldest first,
    /// then the idle keep-alive connections whose idle time started first (`OperatingLimits.descriptorHighWaterPercent`).
    func freeDescriptorsIfNeeded(context: LoopContext) {
        let count = admission.withLock { $0.descriptorsToFree(connections: context.connectionCount, now: context.now) }
        guard count > 0 else { return }
        var work = Work(now: now(context))
        let (sessions, connections) = state.withLock { state -> (Int, [ConnectionID]) in
            let unconnected = state.sessions.filter { !$0.value.socketIO.isConnected }
                .sorted { $0.value.messengerID.value < $1.value.messengerID.value }.prefix(count / 2).map(\.key)
            for sid in unconnected { closeSessionNow(sid: sid, reason: .forcedClose, state: &state, work: &work) }
            return (unconnected.count, Array(state.connections))
        }
        perform(work.effects, context: context)
        let idle = connections.compactMap { id -> (ContinuousClock.Instant, Connection)? in
            guard let connection = context.connection(id), let handler = connection.handler as? HTTPConnectionHandler,
                  let deadline = handler.idleDeadlineIfIdle else { return nil }
            return (deadline, connection)
        }.sorted { $0.0 < $1.0 }.prefix(count - sessions)
        for (_, connection) in idle { connection.close() }
        metrics.withLock { $0.connectionsShed += sessions + idle.count }
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
            let open = state.withLock { $0.connections.count }
            closeWave.withLock { $0.trimmed(open: open) }
            logger.log(.info, key: "memory trim", "a wave of closed connections: resident memory \(before >> 20) MiB -> \(after >> 20) MiB after returning free heap memory")
        }
    }
}
