import MessageStore
import NetworkCore
import Synchronization
import WireCodecs

/// The server's state and logic on its event loop: Engine.IO sessions by sid, the messenger, the
/// routing of HTTP requests, and the carrying out of the state machines' actions.
///
/// Every method runs on the loop thread and takes the `LoopContext`. The state sits in a `Mutex` so
/// that the store's completions (which must be `@Sendable`) can reach the core; the lock is only
/// ever taken on the loop thread, so it is never contended. It holds only `Sendable` values:
/// connections are named by `ConnectionID` and looked up in the context. I/O is never done while
/// the lock is held: work under the lock records `Effect`s, carried out after it is released.
final class ServerCore: Sendable {
    /// Which state machine a timer belongs to.
    enum TimerLayer: Sendable {
        case engineIO
        case socketIO
        /// The session's token expires (Spec AUTH-6).
        case authentication
    }

    /// An HTTP request whose answer is written later (a held poll, a POST waiting for its commit).
    struct PendingRequest: Sendable, Equatable {
        var connection: ConnectionID
        var sequence: UInt64
        /// The request's `Origin`, for CORS.
        var origin: RequestOrigin?
    }

    /// Who waits for a message's commit.
    enum CommitOrigin: Sendable {
        /// A `POST /messages`: answer 201.
        case post(PendingRequest)
        /// A `send_message` event (Spec EXT-2): acknowledge when `ackID` is set.
        case sendMessage(sid: String, session: SessionID, ackID: Int?)
        /// Committed by another node of the deployment (docs/cluster.md): deliver only.
        case otherNode
    }

    /// One Engine.IO session with its Socket.IO layer and transport bindings.
    ///
    /// A class, so the per-message mutations happen in place, not through the dictionary's `modify`
    /// (BENCHMARKS.md, "Shapes chosen for speed"). Confined to `ServerCore.state`'s lock, like everything in `State`.
    final class SessionRecord {
        var engineIO: EngineIOServerSession
        var socketIO: SocketIOServerSession
        let messengerID: SessionID
        /// The GET held open by the session (`holdPoll`).
        var heldPoll: PendingRequest?
        /// The session's WebSocket: the native one, the one being probed, or the one upgraded to.
        var webSocket: ConnectionID?
        /// The deadline each layer last asked for; a timer firing for another deadline is stale.
        var engineIOTimerDeadline: EngineIOInstant?
        var socketIOTimerDeadline: EngineIOInstant?
        /// The `sub` of the token the session connected with (Spec AUTH-5); nil without authentication.
        var authenticatedSubject: String?
        /// When the session's token expires, leeway included (Spec AUTH-6).
        var authenticationDeadline: EngineIOInstant?
        /// The IP of the connection that opened the session (its events count against that IP).
        let remoteIP: String

        init(engineIO: EngineIOServerSession, socketIO: SocketIOServerSession, messengerID: SessionID, webSocket: ConnectionID?, remoteIP: String) {
            self.engineIO = engineIO
            self.socketIO = socketIO
            self.messengerID = messengerID
            self.webSocket = webSocket
            self.remoteIP = remoteIP
        }
    }

    /// Everything the server knows, guarded by `state`'s lock (not Sendable: the session records are
    /// classes, and never leave the lock).
    struct State {
        var sessions: [String: SessionRecord] = [:]
        var sidByMessengerID: [SessionID: String] = [:]
        var messenger = MessengerState()
        var nextMessengerID: UInt64 = 1
        /// Every open connection (HTTP or WebSocket), for the orderly stop.
        var connections: Set<ConnectionID> = []
        var isStopping = false
    }

    /// What `handleRequest` tells the HTTP handler to do with the request.
    enum RequestDisposition {
        /// Answer with this response now.
        case respond(HTTPResponse)
        /// The answer comes later through `HTTPConnectionHandler.complete` (it may already have).
        /// `heldPollSID` is set when the request is a GET held by that session.
        case pending(heldPollSID: String?)
        /// Answer 101 with this key, switch to WebSocket, then call `webSocketAttached`.
        /// `sid` is nil for a new WebSocket-only session.
        case upgrade(key: String, sid: String?)
        /// Refuse the upgrade with this response and close the connection.
        case rejectUpgrade(HTTPResponse)
    }

    let configuration: ServerConfiguration
    let loop: EventLoop
    let logger: ServerLogger
    let engineIOConfiguration: EngineIOServerConfiguration
    let socketIOConfiguration: SocketIOServerConfiguration
    let handshakeValidator = EngineIOHandshakeValidator()
    let postValidator: MessagePostValidator
    /// Verifies tokens when authentication is on (Spec AUTH-1).
    let tokenVerifier: JSONWebTokenVerifier?
    /// The origin of the `EngineIOInstant` clock.
    let clockOrigin: ContinuousClock.Instant

    let state = Mutex(State())
    /// Commit results handed over by the writer's completions (with when each was submitted),
    /// processed once per batch.
    let commitInbox = Mutex<[(CommitOrigin, Result<StoredMessage, StorageError>, ContinuousClock.Instant)]>([])
    /// Counters for `/metrics`, `/healthz` and the summary line (locked on the loop thread only).
    let metrics = Mutex(ServerMetrics())
    /// Per-IP connection cap and the POST and event token buckets (locked on the loop thread only).
    let admission: Mutex<AdmissionControl>
    /// When a wave of closes is worth a `malloc_trim` (locked on the loop thread only).
    let closeWave: Mutex<CloseWave>
    /// The store; set once right after it is opened (it needs the core for its completions).
    private let storeSlot = Mutex<(any ServerMessageStore)?>(nil)

    init(configuration: ServerConfiguration, loop: EventLoop) {
        self.configuration = configuration
        self.loop = loop
        self.logger = ServerLogger(level: configuration.logLevel)
        let engineIOConfiguration = EngineIOServerConfiguration(
            pingInterval: configuration.pingInterval,
            pingTimeout: configuration.pingTimeout,
            maxPayload: configuration.limits.engineIOMaxPayload)
        self.engineIOConfiguration = configuration.hooks.engineIOConfiguration?(engineIOConfiguration) ?? engineIOConfiguration
        self.socketIOConfiguration = SocketIOServerConfiguration(
            maxAttachments: configuration.limits.socketIOMaxAttachments,
            requiresConnectApproval: configuration.authentication != nil)
        self.tokenVerifier = configuration.authentication?.verifier
        self.postValidator = MessagePostValidator(
            maxNameLength: configuration.maxNameLength,
            maxContentBytes: configuration.maxContentBytes,
            jsonMaxDepth: configuration.limits.jsonMaxDepth)
        self.clockOrigin = .now
        self.admission = Mutex(AdmissionControl(limits: configuration.operating))
        self.closeWave = Mutex(CloseWave(threshold: configuration.operating.trimAfterClosedConnections))
    }

    func attach(_ store: any ServerMessageStore) {
        storeSlot.withLock { $0 = store }
    }

    var store: (any ServerMessageStore)? { storeSlot.withLock { $0 } }

    // MARK: Clock

    func now(_ context: LoopContext) -> EngineIOInstant {
        let elapsed = clockOrigin.duration(to: context.now).components
        return EngineIOInstant(milliseconds: elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
    }

    func loopInstant(_ instant: EngineIOInstant) -> ContinuousClock.Instant {
        clockOrigin.advanced(by: .milliseconds(instant.milliseconds))
    }

    // MARK: Connections

    /// Whether new connections are refused (the server is stopping).
    var isStopping: Bool { state.withLock { $0.isStopping } }

    /// Counts a new connection; false when its IP is over `OperatingLimits.maxConnectionsPerIP` (the
    /// handler answers 503 and closes it).
    func connectionOpened(_ connection: Connection) -> Bool {
        let ip = AdmissionControl.ip(ofRemoteAddress: connection.remoteAddress)
        guard admission.withLock({ $0.connectionOpened(connection.id, ip: ip) }) else {
            metrics.withLock { $0.connectionsShed += 1 }
            logger.log(.warning, key: "connections per IP", "connection from \(ip) refused: it holds \(configuration.operating.maxConnectionsPerIP) connections already")
            return false
        }
        let open = state.withLock { state in
            state.connections.insert(connection.id)
            return state.connections.count
        }
        closeWave.withLock { $0.connectionOpened(open: open) }
        metrics.withLock { $0.connectionsOpened += 1 }
        logger.log(.debug, "connection \(connection.id) opened from \(connection.remoteAddress)")
        return true
    }

    /// Connection lines are debug: a flood of connections must not become a flood of log lines (the
    /// summary line counts them).
    func connectionClosed(_ connection: Connection, error: NetworkError?) {
        guard let open = state.withLock({ $0.connections.remove(connection.id) == nil ? nil : $0.connections.count }) else { return }
        admission.withLock { $0.connectionClosed(connection.id) }
        if closeWave.withLock({ $0.connectionClosed(open: open) }) { scheduleMemoryTrim(context: connection.context) }
        metrics.withLock { $0.connectionsClosed += 1 }
        guard logger.isEnabled(.debug) else { return }
        // A WebSocket carries one Engine.IO session: name it, so its lines can be followed by sid.
        let session = (connection.handler as? WebSocketConnectionHandler)?.sid.map { " (session \($0))" } ?? ""
        logger.log(.debug, "connection \(connection.id)\(session) closed" + (error.map { ": \($0)" } ?? ""))
    }

    // MARK: HTTP routing

    /// Routes one request (Spec HTTP-1, HTTP-3): `/messages`, `/socket.io/`, `/healthz`, `/metrics`, the
    /// chat page's files (`WebPage`), anything else 404.
    func handleRequest(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) -> RequestDisposition {
        let head = request.head
        let path = head.path
        // Spec ORIGIN-2: an origin off the allow-list opens nothing (requests without `Origin` pass).
        if !configuration.allowedOrigins.isEmpty, let origin = pending.origin, !origin.isAllowListed,
           path == "/messages" || path == "/socket.io/" || path == "/socket.io" {
            logger.log(.debug, "refused origin \(origin.value) on \(head.method) \(path)")
            return head.isUpgradeRequest ? .rejectUpgrade(.originRefused) : .respond(.originRefused)
        }
        if path == "/messages" {
            return handleMessages(request, pending: pending, context: context)
        }
        if let response = operatingResponse(request, context: context) { return .respond(response) }
        if path == "/socket.io/" || path == "/socket.io" {
            if head.method == "OPTIONS" && !EngineIOHandshakeValidator.isWebSocketUpgrade(head) {
                return .respond(.preflight(for: head, origin: pending.origin))
            }
            return handleEngineIO(request, pending: pending, context: context)
        }
        if !head.isUpgradeRequest, let page = WebPage.response(for: head) {
            return .respond(page)
        }
        let notFound = HTTPResponse.jsonError(status: 404, reason: "not found: \(path)", origin: pending.origin)
        return head.isUpgradeRequest ? .rejectUpgrade(notFound) : .respond(notFound)
    }

    /// `POST /messages` (Spec SEND-1 to SEND-4), `OPTIONS` (CORS-2), anything else 405.
    private func handleMessages(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) -> RequestDisposition {
        switch request.head.method {
        case "POST":
            let ip = admission.withLock { $0.ip(of: pending.connection) } ?? ""
            if case .refuse(let seconds) = admission.withLock({ $0.admitPost(connection: pending.connection, ip: ip, now: context.now) }) {
                metrics.withLock { $0.refused(.rateLimited) }
                logger.log(.warning, key: "POST rate limit", "POST /messages from \(ip) refused: over the rate limit")
                return .respond(.retryLater(status: 429, reason: "too many messages; slow down", retryAfterSeconds: seconds, origin: pending.origin))
            }
            if let refusal = overloadRefusal() {
                return .respond(.retryLater(
                    status: 503, reason: refusal, retryAfterSeconds: configuration.operating.retryAfterSeconds, origin: pending.origin))
            }
            var subject: String?
            if tokenVerifier != nil {
                // Spec AUTH-7: the token before the body.
                let token = request.head.headers["Authorization"].flatMap(JSONWebToken.bearerToken(fromAuthorization:))
                switch verifyToken(token, place: .post) {
                case .failure(let error):
                    let reason = token == nil ? "authentication required: send Authorization: Bearer <token>" : "\(error)"
                    return .respond(.unauthorized(reason: reason, hadToken: token != nil, origin: pending.origin))
                case .success(let claims):
                    subject = claims.subject
                }
            }
            var verdict = postValidator.validatePostBody(request.body)
            if let validatePost = configuration.hooks.validatePost { verdict = validatePost(request.body, verdict) }
            switch verdict {
            case .failure(let refusal):
                metrics.withLock { $0.refused(refusal.status == 413 ? .tooLarge : .invalid) }
                return .respond(.jsonError(status: refusal.status, reason: refusal.reason, origin: pending.origin))
            case .success(let message):
                // Spec AUTH-8: a valid token speaks only for its own `sub`.
                if let subject, !isAuthorized(subject: subject, as: message.sender, place: .post) {
                    let reason = "sender must be the token's subject"
                    return .respond(.jsonError(status: 403, reason: reason, origin: pending.origin))
                }
                perform([.submit(message, .post(pending))], context: context)
                return .pending(heldPollSID: nil)
            }
        case "OPTIONS":
            return .respond(.preflight(for: request.head, origin: pending.origin))
        default:
            return .respond(.methodNotAllowed(origin: pending.origin))
        }
    }

    /// Engine.IO requests: handshake, poll, post, upgrade, or one of Node's errors (Spec TRANSPORT-1..9).
    private func handleEngineIO(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext) -> RequestDisposition {
        let head = request.head
        let isUpgrade = EngineIOHandshakeValidator.isWebSocketUpgrade(head)
        let now = now(context)
        var work = Work(now: now, currentRequest: pending)
        let disposition: RequestDisposition = state.withLock { state in
            let route = handshakeValidator.route(
                head, isWebSocketUpgrade: isUpgrade,
                sessionTransport: { state.sessions[$0].map { $0.engineIO.transport } })
            switch route {
            case .error(let error):
                var response = error.response(isWebSocketUpgrade: isUpgrade)
                if !isUpgrade { HTTPResponse.appendCORS(to: &response.head.headers, origin: pending.origin) }
                work.effects.append(.log(.debug, "engine.io request refused: \(error.message) (\(head.target))"))
                return isUpgrade ? .rejectUpgrade(response) : .respond(response)
            case .unsupportedPollingMethod:
                return .respond(EngineIORequestRoute.unsupportedPollingMethodResponse)
            case .handshake(.polling):
                openSession(transport: .polling, webSocket: nil, remoteIP: remoteIP(of: pending.connection), state: &state, work: &work)
                return .pending(heldPollSID: nil)
            case .handshake(.webSocket):
                do throws(WebSocketHandshakeError) {
                    return .upgrade(key: try WebSocketHandshake.validateUpgrade(head), sid: nil)
                } catch {
                    return .rejectUpgrade(Self.handshakeRejection(error))
                }
            case .upgrade(let sid):
                do throws(WebSocketHandshakeError) {
                    return .upgrade(key: try WebSocketHandshake.validateUpgrade(head), sid: sid)
                } catch {
                    return .rejectUpgrade(Self.handshakeRejection(error))
                }
            case .poll(let sid):
                guard let actions = state.sessions[sid]?.engineIO.onPollRequest(now: now) else {
                    return .respond(EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false))
                }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                return .pending(heldPollSID: work.heldPollSID)
            case .post(let sid):
                let actions: [EngineIOServerAction]?
                if request.body.count > engineIOConfiguration.maxPayload {
                    actions = state.sessions[sid]?.engineIO.onPollData([], byteCount: request.body.count, now: now)
                } else {
                    do {
                        var packets = try EngineIOPayload.decode(request.body, maxPayload: engineIOConfiguration.maxPayload)
                        if let incoming = configuration.hooks.incomingEngineIO { packets = packets.compactMap { incoming(sid, $0) } }
                        actions = state.sessions[sid]?.engineIO.onPollData(packets, byteCount: request.body.count, now: now)
                    } catch {
                        work.effects.append(.logLimited(.warning, key: "malformed polling payload", "session \(sid): malformed polling payload: \(error)"))
                        actions = state.sessions[sid]?.engineIO.onPollDataMalformed(now: now)
                    }
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

    static func handshakeRejection(_ error: WebSocketHandshakeError) -> HTTPResponse {
        var head = error.rejectionResponse ?? HTTPResponseHead(status: 400)
        head.headers.add(name: "Content-Type", value: "text/plain")
        return HTTPResponse(head: head, body: Array("\(error)".utf8))
    }

    // MARK: WebSocket

    /// A WebSocket answered 101 on `connection`: opens a WebSocket-only session (`sid` nil) or offers
    /// the WebSocket to the session's upgrade. Returns the sid the WebSocket belongs to.
    func webSocketAttached(sid: String?, connection: ConnectionID, context: LoopContext) -> String? {
        var work = Work(now: now(context))
        let attached: String? = state.withLock { state in
            guard let sid else {
                return openSession(transport: .webSocket, webSocket: connection, remoteIP: remoteIP(of: connection), state: &state, work: &work)
            }
            guard let actions = state.sessions[sid]?.engineIO.onWebSocketOpened(now: work.now) else {
                work.effects.append(.closeWebSocket(connection, code: WebSocketCloseCode.normalClosure))
                return nil
            }
            if actions.contains(.rejectWebSocket) {
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

    /// What arrived on a session's WebSocket.
    enum WebSocketInput {
        case packet(EngineIOPacket)
        case malformed
    }

    /// A text message arrived on a session's WebSocket.
    func webSocketText(_ text: String, sid: String, connection: ConnectionID, context: LoopContext) {
        do {
            webSocketInput(.packet(try EngineIOPacket.decode(text: text)), sid: sid, connection: connection, context: context)
        } catch {
            logger.log(.warning, key: "malformed engine.io packet", "session \(sid): malformed engine.io packet: \(error)")
            webSocketInput(.malformed, sid: sid, connection: connection, context: context)
        }
    }

    /// A binary message arrived on a session's WebSocket.
    func webSocketBinary(_ bytes: [UInt8], sid: String, connection: ConnectionID, context: LoopContext) {
        webSocketInput(.packet(.binaryMessage(bytes)), sid: sid, connection: connection, context: context)
    }

    /// A session's WebSocket closed or is closing (close frame, protocol error, reset).
    func webSocketClosed(sid: String, connection: ConnectionID, context: LoopContext) {
        var work = Work(now: now(context))
        state.withLock { state in
            guard state.sessions[sid]?.webSocket == connection else { return }
            state.sessions[sid]?.webSocket = nil
            guard let actions = state.sessions[sid]?.engineIO.onWebSocketClosed(now: work.now) else { return }
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    private func webSocketInput(_ input: WebSocketInput, sid: String, connection: ConnectionID, context: LoopContext) {
        var work = Work(now: now(context))
        state.withLock { state in
            guard state.sessions[sid]?.webSocket == connection else { return }
            let actions: [EngineIOServerAction]?
            switch input {
            case .packet(let packet):
                var received: EngineIOPacket? = packet
                if let incoming = configuration.hooks.incomingEngineIO { received = incoming(sid, packet) }
                guard let received else { return }
                actions = state.sessions[sid]?.engineIO.onWebSocketPacket(received, now: work.now)
            case .malformed: actions = state.sessions[sid]?.engineIO.onWebSocketMalformed(now: work.now)
            }
            guard let actions else { return }
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Polling

    /// The connection holding a session's GET closed before it was answered.
    func pollAborted(sid: String, request: PendingRequest, context: LoopContext) {
        var work = Work(now: now(context))
        state.withLock { state in
            guard state.sessions[sid]?.heldPoll == request else { return }
            state.sessions[sid]?.heldPoll = nil
            guard let actions = state.sessions[sid]?.engineIO.onPollAborted(now: work.now) else { return }
            applyEngineIO(actions, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Timers

    func timerFired(_ layer: TimerLayer, sid: String, deadline: EngineIOInstant, context: LoopContext) {
        var work = Work(now: now(context))
        state.withLock { state in
            guard let record = state.sessions[sid] else { return }
            switch layer {
            case .engineIO:
                guard record.engineIOTimerDeadline == deadline else { return }
                state.sessions[sid]?.engineIOTimerDeadline = nil
                guard let actions = state.sessions[sid]?.engineIO.onTimer(now: work.now) else { return }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
            case .socketIO:
                guard record.socketIOTimerDeadline == deadline else { return }
                state.sessions[sid]?.socketIOTimerDeadline = nil
                guard let actions = state.sessions[sid]?.socketIO.onTimer(now: work.now) else { return }
                applySocketIO(actions, sid: sid, state: &state, work: &work)
            case .authentication:
                guard record.authenticationDeadline == deadline else { return }
                state.sessions[sid]?.authenticationDeadline = nil
                tokenExpired(sid: sid, state: &state, work: &work)
            }
        }
        perform(work.effects, context: context)
    }

    // MARK: Store results

    /// A history requested by `.loadHistory` arrived (on the loop).
    func historyLoaded(
        session: SessionID, token: UInt64, result: Result<[StoredMessage], StorageError>, context: LoopContext
    ) {
        var work = Work(now: now(context))
        state.withLock { state in
            switch result {
            case .success(let messages):
                let actions = state.messenger.historyLoaded(session: session, token: token, messages: messages)
                applyMessenger(actions, state: &state, work: &work)
            case .failure(let error):
                work.effects.append(.logLimited(.error, key: "history failed", "history for \(session) failed: \(error)"))
                applyMessenger(state.messenger.historyFailed(session: session, token: token), state: &state, work: &work)
            }
        }
        perform(work.effects, context: context)
    }

    /// Answers the commits handed over since the last call, then fans the messages out (once per batch).
    func processCommitted(context: LoopContext) {
        let results = commitInbox.withLock { inbox in
            let taken = inbox
            inbox.removeAll(keepingCapacity: true)
            return taken
        }
        guard !results.isEmpty else { return }
        recordCommits(results, now: context.now)
        var work = Work(now: now(context))
        state.withLock { state in
            var committed: [StoredMessage] = []
            var failures: [StorageError] = []
            committed.reserveCapacity(results.count)
            for (origin, result, _) in results {
                switch (origin, result) {
                case (.post(let request), .success(let message)):
                    committed.append(message)
                    work.effects.append(.respondCreated(request, message))
                case (.post(let request), .failure(let error)):
                    work.effects.append(.respond(request, storageFailureResponse(error, origin: request.origin)))
                case (.sendMessage(let sid, let session, let ackID), .success(let message)):
                    committed.append(message)
                    if let ackID { acknowledge(sid: sid, session: session, ackID: ackID, with: Self.successObject(message), state: &state, work: &work) }
                case (.sendMessage(let sid, let session, let ackID), .failure(let error)):
                    if let ackID {
                        let value = JSONValue.object([JSONMember("error", .string(Self.storageFailureReason(error)))])
                        acknowledge(sid: sid, session: session, ackID: ackID, with: value, state: &state, work: &work)
                    }
                case (.otherNode, .success(let message)):
                    committed.append(message)
                case (.otherNode, .failure):
                    break
                }
                if case .failure(let error) = result { failures.append(error) }
            }
            if !committed.isEmpty {
                applyMessenger(state.messenger.messagesCommitted(committed), state: &state, work: &work)
            }
            // One line per kind of failure in this hand-over, with the detail (SQL included) the client is not shown.
            var failureCounts: [StorageError: Int] = [:]
            for error in failures { failureCounts[error, default: 0] += 1 }
            for (error, count) in failureCounts {
                let status = error.isStorageFault ? 503 : 500
                work.effects.append(.logLimited(.error, key: "commit failed \(status)", "commit failed for \(count) message(s), answered \(status): \(error)"))
            }
        }
        perform(work.effects, context: context)
    }

    /// The client-facing reason of a failed commit: what happened, no SQL, no path (Spec SEND-6).
    static func storageFailureReason(_ error: StorageError) -> String {
        error.isStorageFault ? "message not stored: \(error.summary); try again later" : "message not stored: \(error.summary)"
    }

    /// 503 + `Retry-After` for a storage condition, 500 for a bug of ours (Spec SEND-6).
    func storageFailureResponse(_ error: StorageError, origin: RequestOrigin?) -> HTTPResponse {
        guard error.isStorageFault else {
            return .jsonError(status: 500, reason: Self.storageFailureReason(error), origin: origin)
        }
        return .retryLater(
            status: 503, reason: Self.storageFailureReason(error), retryAfterSeconds: configuration.operating.retryAfterSeconds, origin: origin)
    }

    static func successObject(_ message: StoredMessage) -> JSONValue {
        .object([
            JSONMember("status", .string("success")),
            JSONMember("id", .number(Double(message.id))),
            JSONMember("timestamp", .string(message.timestamp)),
        ])
    }

    // MARK: Stopping

    /// Refuses new connections from now on.
    func beginStopping() {
        state.withLock { $0.isStopping = true }
    }

    /// Closes every session (WebSockets get a close frame, held polls their close packet) and then every
    /// connection once its written bytes are flushed.
    func closeEverything(context: LoopContext) {
        var work = Work(now: now(context))
        let connections: Set<ConnectionID> = state.withLock { state in
            for sid in Array(state.sessions.keys) {
                guard let actions = state.sessions[sid]?.engineIO.close(reason: .forcedClose, now: work.now) else { continue }
                applyEngineIO(actions, sid: sid, state: &state, work: &work)
                // A polling session without a held GET would wait for one; the server is going away.
                if state.sessions[sid] != nil {
                    closeSessionNow(sid: sid, reason: .forcedClose, state: &state, work: &work)
                }
            }
            return state.connections
        }
        perform(work.effects, context: context)
        for id in connections {
            context.connection(id)?.closeAfterFlush()
        }
    }
}
