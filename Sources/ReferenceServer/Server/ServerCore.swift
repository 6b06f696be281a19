import MessageStore
import NetworkCore
import Synchronization
import WireCodecs
#if canImport(Glibc)
import Glibc
#endif

/// The server on its event loop: feeds every input to `ServerState` with the time, and carries out
/// the `ServerEffect`s it returns (answers through the requests' handlers, WebSocket writes, store
/// submissions, timers, log lines).
///
/// Every method runs on the loop thread. The state is confined to the loop (`LoopBound`, checked on
/// every access), so the store's completions (which must be `@Sendable`) reach it once they have hopped
/// to the loop: each batch is handed to `ServerState.commitsArrived` whole.
final class ServerCore: ServerConnectionCore {
    let configuration: ServerConfiguration
    let loop: EventLoop
    let logger: ServerLogger
    /// The origin of the `EngineIOInstant` clock (the state's).
    let clockOrigin: ContinuousClock.Instant
    let state: LoopBound<ServerState>
    /// The store's results handed over by its completions on the loop, answered once per batch.
    let commitInbox: LoopBound<[ServerState.StoreCompletion]>
    /// The HTTP handler of every counted connection (the idle ones are closed first when descriptors run short).
    let httpHandlers: LoopBound<[ConnectionID: HTTPConnectionHandler]>
    /// When a wave of closes is worth a `malloc_trim`.
    let closeWave: LoopBound<CloseWave>
    /// The store; set once right after it is opened (it needs the core for its completions).
    private let storeSlot = Mutex<(any ServerMessageStore)?>(nil)

    init(configuration: ServerConfiguration, loop: EventLoop) {
        self.configuration = configuration
        self.loop = loop
        self.logger = ServerLogger(level: configuration.logLevel)
        let clockOrigin = ContinuousClock.now
        self.clockOrigin = clockOrigin
        self.state = LoopBound(ServerState(configuration: configuration, clockOrigin: clockOrigin), loop: loop)
        self.commitInbox = LoopBound([], loop: loop)
        self.httpHandlers = LoopBound([:], loop: loop)
        self.closeWave = LoopBound(CloseWave(threshold: configuration.operating.trimAfterClosedConnections), loop: loop)
    }

    func attach(_ store: any ServerMessageStore) {
        storeSlot.withLock { $0 = store }
    }

    var store: (any ServerMessageStore)? { storeSlot.withLock { $0 } }

    // MARK: Clock

    /// The time of an input: the loop's clock, and the wall clock for token times (`exp`, `nbf`).
    func time(_ context: LoopContext) -> ServerState.Time {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        return ServerState.Time(monotonic: context.now, unixSeconds: Double(wall.tv_sec) + Double(wall.tv_nsec) / 1_000_000_000)
    }

    // MARK: Connections

    /// Whether new connections are refused (the server is stopping).
    var isStopping: Bool { state.value.isStopping }

    /// Counts a new connection; false when its IP is over `OperatingLimits.maxConnectionsPerIP` (the
    /// handler answers 503 and closes it).
    func connectionOpened(_ connection: Connection, handler: HTTPConnectionHandler) -> Bool {
        let ip = AdmissionControl.ip(ofRemoteAddress: connection.remoteAddress)
        guard state.value.connectionOpened(connection.id, ip: ip) else {
            logger.log(.warning, key: "connections per IP", "connection from \(ip) refused: it holds \(configuration.operating.maxConnectionsPerIP) connections already")
            return false
        }
        httpHandlers.value[connection.id] = handler
        closeWave.value.connectionOpened(open: state.value.connections.count)
        logger.log(.debug, "connection \(connection.id) opened from \(connection.remoteAddress)")
        return true
    }

    /// Connection lines are debug: a flood of connections must not become a flood of log lines (the
    /// summary line counts them). `sid`: the session a WebSocket carried.
    func connectionClosed(_ connection: Connection, error: NetworkError?, sid: String?) {
        httpHandlers.value[connection.id] = nil
        guard let open = state.value.connectionClosed(connection.id) else { return }
        if closeWave.value.connectionClosed(open: open) { scheduleMemoryTrim(context: connection.context) }
        guard logger.isEnabled(.debug) else { return }
        logger.log(.debug, "connection \(connection.id)\(sid.map { " (session \($0))" } ?? "") closed" + (error.map { ": \($0)" } ?? ""))
    }

    // MARK: Inputs

    /// Routes one request: `/healthz` and `/metrics` here (they read the loop), everything else in
    /// `ServerState.receive`.
    func handleRequest(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) {
        if Self.mayNameOperatingPath(request.head.target), let response = operatingResponse(request, context: context) {
            pending.responder.complete(sequence: pending.sequence, response: response, closesConnection: false)
            return
        }
        perform(state.value.receive(request, from: pending, at: time(context)), context: context)
    }

    /// Whether a request-target may be `/healthz` or `/metrics` (`operatingResponse` matches the path
    /// exactly): a test of its first bytes, which `/messages` and `/socket.io/` (the hot paths) fail at once.
    static func mayNameOperatingPath(_ target: String) -> Bool {
        var bytes = target.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        switch bytes.next() {
        case UInt8(ascii: "h"):
            return true
        case UInt8(ascii: "m"):
            _ = bytes.next()
            return bytes.next() == UInt8(ascii: "t")
        default:
            return false
        }
    }

    func requestAborted(_ request: PendingRequest, context: LoopContext) {
        perform(state.value.requestAborted(request, at: time(context)), context: context)
    }

    func webSocketOpened(_ endpoint: any WebSocketEndpoint, sid: String?, context: LoopContext) {
        let remoteIP = state.value.admission.ip(of: endpoint.connection) ?? ""
        perform(state.value.webSocketOpened(endpoint, sid: sid, remoteIP: remoteIP, at: time(context)), context: context)
    }

    func webSocketReceived(_ message: ServerState.WebSocketMessage, from endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
        perform(state.value.webSocketReceived(message, from: endpoint, sid: sid, at: time(context)), context: context)
    }

    func webSocketClosed(_ endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
        perform(state.value.webSocketClosed(endpoint, sid: sid, at: time(context)), context: context)
    }

    /// Answers the store's results handed over since the last call, then fans the messages out (once per batch).
    func processCommitted(context: LoopContext) {
        let batch = commitInbox.withValue { inbox in
            defer { inbox.removeAll(keepingCapacity: true) }
            return inbox
        }
        guard !batch.isEmpty else { return }
        perform(state.value.commitsArrived(batch, at: time(context)), context: context)
    }

    // MARK: Effects

    /// Carries out effects on the loop, in order.
    func perform(_ effects: [ServerEffect], context: LoopContext) {
        var hasSubmitted = false
        // Through the buffer, by index, handlers' effects first (the hot path): each effect is read where it
        // lies (an Array subscript hands out a copy of it); only the store's and the timers' are switched on here.
        effects.withUnsafeBufferPointer { effects in
            for index in effects.indices {
                if effects[index].performOnHandlers(logger: logger) { continue }
                switch effects[index] {
                case .loadHistory(let session, let user, let token):
                    guard let store else { continue }
                    store.history(for: user) { [self] result in
                        loop.execute { [self] context in
                            perform(state.value.historyLoaded(session: session, token: token, result: result, at: time(context)), context: context)
                        }
                    }
                case .submit(let message, let submission):
                    guard let store else { continue }
                    hasSubmitted = true
                    store.submit(message) { [self] result in
                        // On the loop (`deliverCompletions` hops there; a closed writer answers at once, here);
                        // a loop already shut down has no one left to answer.
                        guard loop.isInLoopThread else { return }
                        commitInbox.value.append(.own(submission: submission, result))
                    }
                case .scheduleTimer(let layer, let sid, let deadline):
                    context.scheduleTimer(at: clockOrigin.advanced(by: .milliseconds(deadline.milliseconds))) { [self] context in
                        perform(state.value.timerFired(layer, sid: sid, deadline: deadline, at: time(context)), context: context)
                    }
                case .emitNewMessageLater(let message, let sessions, let delay):
                    context.scheduleTimer(after: delay) { [self] context in
                        perform(state.value.emitNewMessage(message, to: sessions, at: time(context)), context: context)
                    }
                default:
                    continue  // carried out above
                }
            }
        }
        // A closed writer completes at once, on this thread: answer those now.
        if hasSubmitted, store?.isWriterClosed == true {
            processCommitted(context: context)
        }
    }

    // MARK: Stopping

    /// Refuses new connections from now on.
    func beginStopping() {
        state.value.isStopping = true
    }

    /// Closes every session (WebSockets get a close frame, held polls their close packet) and then every
    /// connection once its written bytes are flushed.
    func closeEverything(context: LoopContext) {
        perform(state.value.closeEverything(at: time(context)), context: context)
        for id in state.value.connections {
            context.connection(id)?.closeAfterFlush()
        }
    }
}
