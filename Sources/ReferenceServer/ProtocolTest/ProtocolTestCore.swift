import NetworkCore
import Synchronization
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
/// sits in a `Mutex` only ever taken on the loop thread (so the class is `Sendable`), and I/O is done
/// after the lock is released, from the recorded `Effect`s.
final class ProtocolTestCore: ServerConnectionCore {
    /// What a session's messages go to.
    enum Application: Sendable {
        case echo
        case socketIO
    }

    /// One Engine.IO session and its Socket.IO sessions by namespace. Confined to `state`'s lock.
    final class SessionRecord {
        var engineIO: EngineIOServerSession
        let application: Application
        var namespaces: [String: SocketIOServerSession] = [:]
        /// The namespace whose binary packet waits for `remaining` attachments.
        var attachmentTarget: (namespace: String, remaining: Int)?
        var heldPoll: ServerCore.PendingRequest?
        var webSocket: ConnectionID?
        var engineIOTimerDeadline: EngineIOInstant?

        init(engineIO: EngineIOServerSession, application: Application, webSocket: ConnectionID?) {
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
        case respond(ServerCore.PendingRequest, HTTPResponse)
        case writeWebSocket(ConnectionID, [UInt8])
        case closeWebSocket(ConnectionID, code: UInt16)
        /// A timer of the Engine.IO session (namespace nil) or of one namespace's Socket.IO session.
        case scheduleTimer(sid: String, namespace: String?, at: EngineIOInstant)
        /// Emit `auth` to a socket that just connected, after `authDelay`.
        case emitAuthLater(sid: String, namespace: String, auth: JSONValue)
        case log(LogLevel, String)
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
        var currentRequest: ServerCore.PendingRequest?
        var heldPollSID: String?
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
    let state = Mutex(State())

    init(configuration: ServerConfiguration, socketIOConfiguration: SocketIOServerConfiguration, namespaces: Set<String>) {
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

    func connectionOpened(_ connection: Connection) -> Bool {
        state.withLock { _ = $0.connections.insert(connection.id) }
        logger.log(.debug, "connection \(connection.id) opened from \(connection.remoteAddress)")
        return true
    }

    /// The test server has no descriptor limits of its own.
    func freeDescriptorsIfNeeded(context: LoopContext) {}

    func connectionClosed(_ connection: Connection, error: NetworkError?) {
        state.withLock { _ = $0.connections.remove(connection.id) }
        logger.log(.debug, "connection \(connection.id) closed\(error.map { ": \($0)" } ?? "")")
    }

    /// `/engine.io/` (echo), `/socket.io/` (Socket.IO), their CORS preflights; anything else 404.
    func handleRequest(_ request: HTTPRequest, pending: ServerCore.PendingRequest, context: LoopContext) -> ServerCore.RequestDisposition {
        let head = request.head
        let application: Application
        switch head.path {
        case "/engine.io/", "/engine.io": application = .echo
        case "/socket.io/", "/socket.io": application = .socketIO
        default:
            let notFound = HTTPResponse.jsonError(status: 404, reason: "not found: \(head.path)", origin: pending.origin)
            return head.isUpgradeRequest ? .rejectUpgrade(notFound) : .respond(notFound)
        }
        let isUpgrade = EngineIOHandshakeValidator.isWebSocketUpgrade(head)
        if head.method == "OPTIONS" && !isUpgrade {
            return .respond(.preflight(for: head, origin: pending.origin))
        }
        var work = Work(now: now(context), currentRequest: pending)
        let disposition: ServerCore.RequestDisposition = state.withLock { state in
            let route = handshakeValidator.route(
                head, isWebSocketUpgrade: isUpgrade, sessionTransport: { state.sessions[$0].map { $0.engineIO.transport } })
            switch route {
            case .error(let error):
                var response = error.response(isWebSocketUpgrade: isUpgrade)
                if !isUpgrade { HTTPResponse.appendCORS(to: &response.head.headers, origin: pending.origin) }
                return isUpgrade ? .rejectUpgrade(response) : .respond(response)
            case .unsupportedPollingMethod:
                return .respond(EngineIORequestRoute.unsupportedPollingMethodResponse)
            case .handshake(.polling):
                openSession(application, transport: .polling, webSocket: nil, state: &state, work: &work)
                return .pending(heldPollSID: nil)
            case .handshake(.webSocket), .upgrade:
                do throws(WebSocketHandshakeError) {
                    let sid: String? = if case .upgrade(let sid) = route { sid } else { nil }
                    // The application of a new WebSocket-only session travels in its sid's place.
                    return .upgrade(key: try WebSocketHandshake.validateUpgrade(head), sid: sid ?? Self.newSessionMarker(application))
                } catch {
                    return .rejectUpgrade(ServerCore.handshakeRejection(error))
                }
            case .poll(let sid):
                guard let actions = state.sessions[sid]?.engineIO.onPollRequest(now: work.now) else {
                    return .respond(EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false))
                }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                return .pending(heldPollSID: work.heldPollSID)
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
                    return .respond(EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false))
                }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                return .pending(heldPollSID: nil)
            }
        }
        perform(work.effects, context: context)
        return disposition
    }

    /// Stands for "a new WebSocket-only session of this application" in `webSocketAttached(sid:…)`
    /// (no real sid contains a space).
    static func newSessionMarker(_ application: Application) -> String {
        application == .echo ? "new engine.io" : "new socket.io"
    }

    // MARK: WebSocket

    func webSocketAttached(sid: String?, connection: ConnectionID, context: LoopContext) -> String? {
        var work = Work(now: now(context))
        let attached: String? = state.withLock { state in
            for application in [Application.echo, .socketIO] where sid == Self.newSessionMarker(application) {
                return openSession(application, transport: .webSocket, webSocket: connection, state: &state, work: &work)
            }
            guard let sid, let actions = state.sessions[sid]?.engineIO.onWebSocketOpened(now: work.now),
                  !actions.contains(.rejectWebSocket)
            else {
                work.effects.append(.closeWebSocket(connection, code: WebSocketCloseCode.normalClosure))
                return nil
            }
            state.sessions[sid]?.webSocket = connection
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
            return sid
        }
        perform(work.effects, context: context)
        return attached
    }

    func webSocketText(_ text: String, sid: String, connection: ConnectionID, context: LoopContext) {
        let packet = try? EngineIOPacket.decode(text: text)
        webSocketInput(packet, sid: sid, connection: connection, context: context)
    }

    func webSocketBinary(_ bytes: [UInt8], sid: String, connection: ConnectionID, context: LoopContext) {
        webSocketInput(.binaryMessage(bytes), sid: sid, connection: connection, context: context)
    }

    func webSocketClosed(sid: String, connection: ConnectionID, context: LoopContext) {
        update(sid: sid, context: context) { record, now in
            guard record.webSocket == connection else { return nil }
            record.webSocket = nil
            return record.engineIO.onWebSocketClosed(now: now)
        }
    }

    /// A decoded packet, or nil for a malformed one.
    private func webSocketInput(_ packet: EngineIOPacket?, sid: String, connection: ConnectionID, context: LoopContext) {
        update(sid: sid, context: context) { record, now in
            guard record.webSocket == connection else { return nil }
            guard let packet else { return record.engineIO.onWebSocketMalformed(now: now) }
            return record.engineIO.onWebSocketPacket(packet, now: now)
        }
    }

    func pollAborted(sid: String, request: ServerCore.PendingRequest, context: LoopContext) {
        update(sid: sid, context: context) { record, now in
            guard record.heldPoll == request else { return nil }
            record.heldPoll = nil
            return record.engineIO.onPollAborted(now: now)
        }
    }

    /// Runs one Engine.IO input of a session under the lock, applies its actions, performs the effects.
    private func update(
        sid: String, context: LoopContext, _ input: (SessionRecord, EngineIOInstant) -> [EngineIOServerAction]?
    ) {
        var work = Work(now: now(context))
        state.withLock { state in
            guard let record = state.sessions[sid], let actions = input(record, work.now) else { return }
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Timers

    func timerFired(sid: String, namespace: String?, deadline: EngineIOInstant, context: LoopContext) {
        var work = Work(now: now(context))
        state.withLock { state in
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
        let connections: Set<ConnectionID> = state.withLock { state in
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
