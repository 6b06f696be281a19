import NetworkCore
import WireCodecs

/// The protocol test server's state and logic on its event loop: the test-server contract of the
/// official Socket.IO protocol suites (`engine.io-protocol`, `socket.io-protocol`), with no messenger.
///
/// - `/engine.io/`: Engine.IO sessions that send back every message they receive (text and binary).
/// - `/socket.io/`: Engine.IO sessions carrying Socket.IO, one `SocketIOServerSession` per namespace
///   (`/` and `/custom`); on CONNECT it emits `auth` with the CONNECT payload, answers `message` with
///   `message-back` and acknowledges `message-with-ack` with the same arguments (attachments included).
///
/// The same Engine.IO and Socket.IO state machines and connection handlers as `ServerCore`; the state
/// is confined to the loop (`LoopBound`), and I/O is done after it is changed, from the recorded `Effect`s.
final class ProtocolTestCore: ServerConnectionCore {
    /// What a session's messages go to.
    enum Application: Sendable {
        case echo
        case socketIO
    }

    /// One Engine.IO session and its Socket.IO sessions by namespace. Confined to the loop with `state`.
    final class SessionRecord {
        var engineIO: EngineIOServerSession
        let application: Application
        var namespaces: [String: SocketIOServerSession] = [:]
        /// The namespace whose binary packet waits for `remaining` attachments.
        var attachmentTarget: (namespace: String, remaining: Int)?
        var heldPoll: PendingRequest?
        var webSocket: (any WebSocketEndpoint)?
        var engineIOTimerDeadline: EngineIOInstant?

        init(engineIO: EngineIOServerSession, application: Application, webSocket: (any WebSocketEndpoint)?) {
            self.engineIO = engineIO
            self.application = application
            self.webSocket = webSocket
        }
    }

    struct State {
        var sessions: [String: SessionRecord] = [:]
        var connections: Set<ConnectionID> = []
    }

    enum Effect {
        /// Addressed to a connection's handler or the log (`ServerEffect.performOnHandlers`).
        case server(ServerEffect)
        /// A timer of the Engine.IO session (namespace nil) or of one namespace's Socket.IO session.
        case scheduleTimer(sid: String, namespace: String?, at: EngineIOInstant)
        /// Emit `auth` to a socket that just connected, after `authDelay`.
        case emitAuthLater(sid: String, namespace: String, auth: JSONValue)
    }

    /// How long after its CONNECT answer a socket gets `auth`. Node's WebSocket transport writes the
    /// next packet only once the previous write has completed, so the two arrive in separate reads; the
    /// suites rely on it (two one-shot listeners, and `ws` 8 fires every message of one read at once,
    /// losing the second). Sent in the same loop iteration, the two frames share one read; 20 ms leaves
    /// a client on a busy CI machine time to read the first alone.
    static let authDelay: Duration = .milliseconds(20)

    struct Work {
        var effects: [Effect] = []
        let now: EngineIOInstant
        var currentRequest: PendingRequest?
    }

    let configuration: ServerConfiguration
    let logger: ServerLogger
    let engineIOConfiguration: EngineIOServerConfiguration
    /// The Socket.IO configuration of namespace `/`; the others differ only in `namespace`.
    let socketIOConfiguration: SocketIOServerConfiguration
    /// The namespaces clients may connect to.
    let namespaceNames: Set<String>
    let handshakeValidator = EngineIOHandshakeValidator()
    let clockOrigin: ContinuousClock.Instant = .now
    let state: LoopBound<State>

    init(configuration: ServerConfiguration, socketIOConfiguration: SocketIOServerConfiguration, namespaces: Set<String>, loop: EventLoop) {
        self.state = LoopBound(State(), loop: loop)
        self.configuration = configuration
        self.logger = ServerLogger(level: configuration.logLevel)
        self.engineIOConfiguration = EngineIOServerConfiguration(
            pingInterval: configuration.pingInterval, pingTimeout: configuration.pingTimeout,
            maxPayload: configuration.limits.engineIOMaxPayload)
        self.socketIOConfiguration = socketIOConfiguration
        self.namespaceNames = namespaces
    }

    func now(_ context: LoopContext) -> EngineIOInstant {
        let elapsed = clockOrigin.duration(to: context.now).components
        return EngineIOInstant(milliseconds: elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: Connections

    func connectionOpened(_ connection: Connection, handler: HTTPConnectionHandler) -> Bool {
        state.withValue { _ = $0.connections.insert(connection.id) }
        logger.log(.debug, "connection \(connection.id) opened from \(connection.remoteAddress)")
        return true
    }

    /// The test server has no descriptor limits of its own.
    func freeDescriptorsIfNeeded(context: LoopContext) {}

    func connectionClosed(_ connection: Connection, error: NetworkError?, sid: String?) {
        state.withValue { _ = $0.connections.remove(connection.id) }
        logger.log(.debug, "connection \(connection.id) closed\(error.map { ": \($0)" } ?? "")")
    }

    /// `/engine.io/` (echo), `/socket.io/` (Socket.IO), their CORS preflights; anything else 404.
    func handleRequest(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) {
        let head = request.head
        let application: Application
        switch head.path {
        case "/engine.io/", "/engine.io": application = .echo
        case "/socket.io/", "/socket.io": application = .socketIO
        default:
            let notFound = HTTPResponse.jsonError(status: 404, reason: "not found: \(head.path)", origin: pending.origin)
            perform([.server(head.isUpgradeRequest ? .rejectUpgrade(pending, notFound) : .respond(pending, notFound))], context: context)
            return
        }
        let isUpgrade = EngineIOHandshakeValidator.isWebSocketUpgrade(head)
        if head.method == "OPTIONS" && !isUpgrade {
            perform([.server(.respond(pending, .preflight(for: head, origin: pending.origin)))], context: context)
            return
        }
        var work = Work(now: now(context), currentRequest: pending)
        let answer: ServerEffect? = state.withValue { state in
            let route = handshakeValidator.route(
                head, isWebSocketUpgrade: isUpgrade, sessionTransport: { state.sessions[$0].map { $0.engineIO.transport } })
            switch route {
            case .error(let error):
                var response = error.response(isWebSocketUpgrade: isUpgrade)
                if !isUpgrade { HTTPResponse.appendCORS(to: &response.head.headers, origin: pending.origin) }
                return isUpgrade ? .rejectUpgrade(pending, response) : .respond(pending, response)
            case .unsupportedPollingMethod:
                return .respond(pending, EngineIORequestRoute.unsupportedPollingMethodResponse)
            case .handshake(.polling):
                openSession(application, transport: .polling, webSocket: nil, state: &state, work: &work)
                return nil
            case .handshake(.webSocket), .upgrade:
                do throws(WebSocketHandshakeError) {
                    let sid: String? = if case .upgrade(let sid) = route { sid } else { nil }
                    // The application of a new WebSocket-only session travels in its sid's place.
                    return .upgrade(pending, key: try WebSocketHandshake.validateUpgrade(head), sid: sid ?? Self.newSessionMarker(application))
                } catch {
                    return .rejectUpgrade(pending, ServerState.handshakeRejection(error))
                }
            case .poll(let sid):
                guard let actions = state.sessions[sid]?.engineIO.onPollRequest(now: work.now) else {
                    return .respond(pending, EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false))
                }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                return nil
            case .post(let sid):
                let body = request.body
                let maxPayload = engineIOConfiguration.maxPayload
                let actions: [EngineIOServerAction]?
                if body.count > maxPayload {
                    actions = state.sessions[sid]?.engineIO.onPollData([], byteCount: body.count, now: work.now)
                } else if let packets = try? EngineIOPayload.decode(body, maxPayload: maxPayload) {
                    actions = state.sessions[sid]?.engineIO.onPollData(packets, byteCount: body.count, now: work.now)
                } else {
                    actions = state.sessions[sid]?.engineIO.onPollDataMalformed(now: work.now)
                }
                guard let actions else {
                    return .respond(pending, EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false))
                }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                return nil
            }
        }
        if let answer { work.effects.append(.server(answer)) }
        perform(work.effects, context: context)
    }

    /// Stands for "a new WebSocket-only session of this application" in `webSocketOpened(_:sid:…)`
    /// (no real sid contains a space).
    static func newSessionMarker(_ application: Application) -> String {
        application == .echo ? "new engine.io" : "new socket.io"
    }

    // MARK: WebSocket

    func webSocketOpened(_ endpoint: any WebSocketEndpoint, sid: String?, context: LoopContext) {
        var work = Work(now: now(context))
        state.withValue { state in
            for application in [Application.echo, .socketIO] where sid == Self.newSessionMarker(application) {
                // Attached before the session's first frame is written.
                work.effects.append(.server(.attachWebSocket(WebSocketReference(endpoint), sid: "")))
                let opened = openSession(application, transport: .webSocket, webSocket: endpoint, state: &state, work: &work)
                work.effects[0] = .server(.attachWebSocket(WebSocketReference(endpoint), sid: opened))
                return
            }
            guard let sid, let actions = state.sessions[sid]?.engineIO.onWebSocketOpened(now: work.now),
                  !actions.contains(.rejectWebSocket)
            else {
                work.effects.append(.server(.closeWebSocket(WebSocketReference(endpoint), code: WebSocketCloseCode.normalClosure)))
                return
            }
            state.sessions[sid]?.webSocket = endpoint
            work.effects.append(.server(.attachWebSocket(WebSocketReference(endpoint), sid: sid)))
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    func webSocketReceived(_ message: ServerState.WebSocketMessage, from endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
        update(sid: sid, context: context) { record, now in
            guard record.webSocket === endpoint else { return nil }
            switch message {
            case .text(let text):
                guard let packet = try? EngineIOPacket.decode(text: text) else { return record.engineIO.onWebSocketMalformed(now: now) }
                return record.engineIO.onWebSocketPacket(packet, now: now)
            case .binary(let bytes):
                return record.engineIO.onWebSocketPacket(.binaryMessage(bytes), now: now)
            }
        }
    }

    func webSocketClosed(_ endpoint: any WebSocketEndpoint, sid: String, context: LoopContext) {
        update(sid: sid, context: context) { record, now in
            guard record.webSocket === endpoint else { return nil }
            record.webSocket = nil
            return record.engineIO.onWebSocketClosed(now: now)
        }
    }

    /// A held GET's connection closed: its session (a test server holds few) gets the poll back.
    func requestAborted(_ request: PendingRequest, context: LoopContext) {
        guard let sid = state.withValue({ state in state.sessions.first { $0.value.heldPoll == request }?.key }) else { return }
        update(sid: sid, context: context) { record, now in
            guard record.heldPoll == request else { return nil }
            record.heldPoll = nil
            return record.engineIO.onPollAborted(now: now)
        }
    }

    /// Runs one Engine.IO input of a session, applies its actions, performs the effects.
    private func update(
        sid: String, context: LoopContext, _ input: (SessionRecord, EngineIOInstant) -> [EngineIOServerAction]?
    ) {
        var work = Work(now: now(context))
        state.withValue { state in
            guard let record = state.sessions[sid], let actions = input(record, work.now) else { return }
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Timers

    func timerFired(sid: String, namespace: String?, deadline: EngineIOInstant, context: LoopContext) {
        var work = Work(now: now(context))
        state.withValue { state in
            guard let record = state.sessions[sid] else { return }
            guard let namespace else {
                guard record.engineIOTimerDeadline == deadline else { return }
                record.engineIOTimerDeadline = nil
                applyEngineIO(record.engineIO.onTimer(now: work.now), sid: sid, state: &state, work: &work)
                return
            }
            // The connect timeout is met by a CONNECT to any namespace (socket.io `Client` checks `nsps.size`).
            guard !record.namespaces.values.contains(where: \.isConnected),
                  let actions = record.namespaces[namespace]?.onTimer(now: work.now)
            else { return }
            applySocketIO(actions, namespace: namespace, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Stopping

    func closeEverything(context: LoopContext) {
        var work = Work(now: now(context))
        let connections: Set<ConnectionID> = state.withValue { state in
            for (sid, record) in state.sessions {
                applyEngineIO(record.engineIO.close(reason: .forcedClose, now: work.now), sid: sid, state: &state, work: &work)
                if state.sessions[sid] != nil { closeSessionNow(sid: sid, reason: .forcedClose, state: &state, work: &work) }
            }
            return state.connections
        }
        perform(work.effects, context: context)
        for id in connections { context.connection(id)?.closeAfterFlush() }
    }
}
