import MessageStore
import NetworkCore
import WireCodecs

/// The server's logic as a state machine: Engine.IO sessions by sid, the messenger, the routing of
/// HTTP requests, the pending requests and the commits in flight.
///
/// Each `mutating` input (a parsed request, a WebSocket message, a committed batch, a timer, a closed
/// connection) takes the time and returns the `ServerEffect`s its I/O owner (`ServerCore`) carries out
/// in order. No I/O, no locks, no clock read inside: tests drive it synchronously with a fake clock and
/// stand-ins for the connection handlers (`ServerStateTests`). Not `Sendable`: it lives on the loop
/// (`ServerCore.state` is `LoopBound`), and holds the handlers of pending requests and WebSockets.
struct ServerState {
    /// Which state machine a timer belongs to.
    enum TimerLayer: Sendable, Equatable {
        case engineIO
        case socketIO
        /// The session's token expires (Spec AUTH-6).
        case authentication
    }

    /// When an input happens: the loop's clock, and the wall clock for token times (`exp`, `nbf`).
    struct Time {
        var monotonic: ContinuousClock.Instant
        /// Seconds since the Unix epoch.
        var unixSeconds: Double
    }

    /// Who waits for a message's commit.
    enum CommitOrigin: Equatable {
        /// A `POST /messages`: answer 201.
        case post(PendingRequest)
        /// A `send_message` event (Spec EXT-2): acknowledge when `ackID` is set.
        case sendMessage(sid: String, session: SessionID, ackID: Int?)
    }

    /// Who waits for a submitted message, and since when.
    struct CommitWaiter {
        var origin: CommitOrigin
        var submittedAt: ContinuousClock.Instant
    }

    /// What the store hands back, on the loop, one batch at a time.
    enum StoreCompletion: Sendable, Equatable {
        /// The result of this node's `.submit(_, submission:)`.
        case own(submission: UInt64, Result<StoredMessage, StorageError>)
        /// Committed by another node of the deployment (docs/cluster.md): deliver only.
        case otherNode(StoredMessage)
    }

    /// One Engine.IO session with its Socket.IO layer and transport bindings.
    ///
    /// A class, so `sessions[sid]?.engineIO.send(…)` mutates the record where it lives (a struct this
    /// size went through the dictionary's `modify` accessor on every mutation; BENCHMARKS.md, "Shapes chosen for speed").
    final class SessionRecord {
        var engineIO: EngineIOServerSession
        var socketIO: SocketIOServerSession
        let messengerID: SessionID
        /// The GET held open by the session (`holdPoll`).
        var heldPoll: PendingRequest?
        /// The session's WebSocket: the native one, the one being probed, or the one upgraded to.
        var webSocket: (any WebSocketEndpoint)?
        /// The deadline each layer last asked for; a timer firing for another deadline is stale.
        var engineIOTimerDeadline: EngineIOInstant?
        var socketIOTimerDeadline: EngineIOInstant?
        /// The `sub` of the token the session connected with (Spec AUTH-5); nil without authentication.
        var authenticatedSubject: String?
        /// When the session's token expires, leeway included (Spec AUTH-6).
        var authenticationDeadline: EngineIOInstant?
        /// The IP of the connection that opened the session (its events count against that IP).
        let remoteIP: String

        init(engineIO: EngineIOServerSession, socketIO: SocketIOServerSession, messengerID: SessionID, webSocket: (any WebSocketEndpoint)?, remoteIP: String) {
            self.engineIO = engineIO
            self.socketIO = socketIO
            self.messengerID = messengerID
            self.webSocket = webSocket
            self.remoteIP = remoteIP
        }
    }

    let configuration: ServerConfiguration
    let engineIOConfiguration: EngineIOServerConfiguration
    let socketIOConfiguration: SocketIOServerConfiguration
    let handshakeValidator = EngineIOHandshakeValidator()
    let postValidator: MessagePostValidator
    /// Verifies tokens when authentication is on (Spec AUTH-1).
    let tokenVerifier: JSONWebTokenVerifier?
    /// The origin of the `EngineIOInstant` clock.
    let clockOrigin: ContinuousClock.Instant
    /// Makes a new session's sid (random; tests pass a counter).
    let makeSessionID: () -> String

    var sessions: [String: SessionRecord] = [:]
    var sidByMessengerID: [SessionID: String] = [:]
    var messenger = MessengerState()
    var nextMessengerID: UInt64 = 1
    /// Which session holds each held GET, so a connection that closes can give its polls back.
    var heldPolls: [PendingRequest.Key: String] = [:]
    /// Who waits for each submitted message, and when it was submitted.
    var commitWaiters = CommitWaiters<CommitWaiter>()
    /// Counters for `/metrics`, `/healthz` and the summary line.
    var metrics = ServerMetrics()
    /// Per-IP connection cap and the POST and event token buckets.
    var admission: AdmissionControl
    /// Every open connection (HTTP or WebSocket), for the orderly stop.
    private(set) var connections: Set<ConnectionID> = []
    /// New connections are refused (the server is stopping).
    var isStopping = false

    // The input being handled (read and written by the extensions' action handlers).
    var effects: [ServerEffect] = []
    var time = Time(monotonic: .now, unixSeconds: 0)
    var now = EngineIOInstant(milliseconds: 0)
    /// The HTTP request being handled (for `respondToPoll` without a held poll, `holdPoll`,
    /// `acknowledgePost`, `rejectRequest`).
    var currentRequest: PendingRequest?
    /// A `new_message` text and its WebSocket frame, encoded once for every recipient.
    var sharedFrame: (text: String, frame: [UInt8]?)?

    init(configuration: ServerConfiguration, clockOrigin: ContinuousClock.Instant, makeSessionID: @escaping () -> String = EngineIOSessionID.make) {
        self.configuration = configuration
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
        self.clockOrigin = clockOrigin
        self.makeSessionID = makeSessionID
        self.admission = AdmissionControl(limits: configuration.operating)
    }

    // MARK: Inputs

    /// Starts an input: its time, and the request it answers if any.
    private mutating func begin(_ time: Time, request: PendingRequest? = nil) {
        self.time = time
        let elapsed = clockOrigin.duration(to: time.monotonic).components
        now = EngineIOInstant(milliseconds: elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
        currentRequest = request
        effects = []
    }

    /// Ends an input: the effects it produced.
    private mutating func finish() -> [ServerEffect] {
        currentRequest = nil
        var finished: [ServerEffect] = []
        swap(&finished, &effects)
        return finished
    }

    /// The loop instant of an `EngineIOInstant`.
    func loopInstant(_ instant: EngineIOInstant) -> ContinuousClock.Instant {
        clockOrigin.advanced(by: .milliseconds(instant.milliseconds))
    }

    // MARK: Connections

    /// Counts a new connection; false when its IP is over `OperatingLimits.maxConnectionsPerIP`.
    mutating func connectionOpened(_ connection: ConnectionID, ip: String) -> Bool {
        guard admission.connectionOpened(connection, ip: ip) else {
            metrics.connectionsShed += 1
            return false
        }
        connections.insert(connection)
        metrics.connectionsOpened += 1
        return true
    }

    /// Forgets a connection; the number still open, nil when it was not counted.
    mutating func connectionClosed(_ connection: ConnectionID) -> Int? {
        guard connections.remove(connection) != nil else { return nil }
        admission.connectionClosed(connection)
        metrics.connectionsClosed += 1
        return connections.count
    }

    // MARK: HTTP

    /// Routes one request (Spec HTTP-1, HTTP-3): `/messages`, `/socket.io/`, the chat page's files
    /// (`WebPage`), anything else 404. (`/healthz` and `/metrics` read the loop: `ServerCore` answers them.)
    mutating func receive(_ request: HTTPRequest, from pending: PendingRequest, at time: Time) -> [ServerEffect] {
        begin(time, request: pending)
        route(request, pending: pending)
        return finish()
    }

    private mutating func route(_ request: HTTPRequest, pending: PendingRequest) {
        let head = request.head
        let path = head.path
        // Spec ORIGIN-2: an origin off the allow-list opens nothing (requests without `Origin` pass).
        if !configuration.allowedOrigins.isEmpty, let origin = pending.origin, !origin.isAllowListed,
           path == "/messages" || path == "/socket.io/" || path == "/socket.io" {
            effects.append(.log(.debug, "refused origin \(origin.value) on \(head.method) \(path)"))
            effects.append(head.isUpgradeRequest ? .rejectUpgrade(pending, .originRefused) : .respond(pending, .originRefused))
            return
        }
        if path == "/messages" {
            receiveMessages(request, pending: pending)
        } else if path == "/socket.io/" || path == "/socket.io" {
            if head.method == "OPTIONS" && !EngineIOHandshakeValidator.isWebSocketUpgrade(head) {
                effects.append(.respond(pending, .preflight(for: head, origin: pending.origin)))
            } else {
                receiveEngineIO(request, pending: pending)
            }
        } else if !head.isUpgradeRequest, let page = WebPage.response(for: head) {
            effects.append(.respond(pending, page))
        } else {
            let notFound = HTTPResponse.jsonError(status: 404, reason: "not found: \(path)", origin: pending.origin)
            effects.append(head.isUpgradeRequest ? .rejectUpgrade(pending, notFound) : .respond(pending, notFound))
        }
    }

    /// `POST /messages` (Spec SEND-1 to SEND-4), `OPTIONS` (CORS-2), anything else 405.
    private mutating func receiveMessages(_ request: HTTPRequest, pending: PendingRequest) {
        switch request.head.method {
        case "POST":
            effects.append(postResponse(request, pending: pending) ?? submit(request, pending: pending))
        case "OPTIONS":
            effects.append(.respond(pending, .preflight(for: request.head, origin: pending.origin)))
        default:
            effects.append(.respond(pending, .methodNotAllowed(origin: pending.origin)))
        }
    }

    /// The answer to a `POST /messages` that is refused at once; nil when it may be validated.
    private mutating func postResponse(_ request: HTTPRequest, pending: PendingRequest) -> ServerEffect? {
        let ip = admission.ip(of: pending.connection) ?? ""
        if case .refuse(let seconds) = admission.admitPost(connection: pending.connection, ip: ip, now: time.monotonic) {
            metrics.refused(.rateLimited)
            effects.append(.logLimited(.warning, key: "POST rate limit", "POST /messages from \(ip) refused: over the rate limit"))
            return .respond(pending, .retryLater(status: 429, reason: "too many messages; slow down", retryAfterSeconds: seconds, origin: pending.origin))
        }
        if let refusal = overloadRefusal() {
            return .respond(pending, .retryLater(
                status: 503, reason: refusal, retryAfterSeconds: configuration.operating.retryAfterSeconds, origin: pending.origin))
        }
        return nil
    }

    /// Validates a `POST /messages` and submits it, or the answer that refuses it.
    private mutating func submit(_ request: HTTPRequest, pending: PendingRequest) -> ServerEffect {
        var subject: String?
        if tokenVerifier != nil {
            // Spec AUTH-7: the token before the body.
            let token = request.head.headers["Authorization"].flatMap(JSONWebToken.bearerToken(fromAuthorization:))
            switch verifyToken(token, place: .post) {
            case .failure(let error):
                let reason = token == nil ? "authentication required: send Authorization: Bearer <token>" : "\(error)"
                return .respond(pending, .unauthorized(reason: reason, hadToken: token != nil, origin: pending.origin))
            case .success(let claims):
                subject = claims.subject
            }
        }
        var verdict = postValidator.validatePostBody(request.body)
        if let validatePost = configuration.hooks.validatePost { verdict = validatePost(request.body, verdict) }
        switch verdict {
        case .failure(let refusal):
            metrics.refused(refusal.status == 413 ? .tooLarge : .invalid)
            return .respond(pending, .jsonError(status: refusal.status, reason: refusal.reason, origin: pending.origin))
        case .success(let message):
            // Spec AUTH-8: a valid token speaks only for its own `sub`.
            if let subject, !isAuthorized(subject: subject, as: message.sender, place: .post) {
                return .respond(pending, .jsonError(status: 403, reason: "sender must be the token's subject", origin: pending.origin))
            }
            return submission(message, origin: .post(pending))
        }
    }

    /// The `.submit` effect of a message, remembering who waits for it.
    mutating func submission(_ message: NewMessage, origin: CommitOrigin) -> ServerEffect {
        let submission = commitWaiters.add(CommitWaiter(origin: origin, submittedAt: time.monotonic))
        metrics.pendingCommits += 1
        return .submit(message, submission: submission)
    }

    /// Engine.IO requests: handshake, poll, post, upgrade, or one of Node's errors (Spec TRANSPORT-1..9).
    private mutating func receiveEngineIO(_ request: HTTPRequest, pending: PendingRequest) {
        let head = request.head
        let isUpgrade = EngineIOHandshakeValidator.isWebSocketUpgrade(head)
        let sessions = self.sessions
        let route = handshakeValidator.route(
            head, isWebSocketUpgrade: isUpgrade, sessionTransport: { sessions[$0].map { $0.engineIO.transport } })
        switch route {
        case .error(let error):
            var response = error.response(isWebSocketUpgrade: isUpgrade)
            if !isUpgrade { HTTPResponse.appendCORS(to: &response.head.headers, origin: pending.origin) }
            effects.append(.log(.debug, "engine.io request refused: \(error.message) (\(head.target))"))
            effects.append(isUpgrade ? .rejectUpgrade(pending, response) : .respond(pending, response))
        case .unsupportedPollingMethod:
            effects.append(.respond(pending, EngineIORequestRoute.unsupportedPollingMethodResponse))
        case .handshake(.polling):
            openSession(transport: .polling, webSocket: nil, remoteIP: admission.ip(of: pending.connection) ?? "")
        case .handshake(.webSocket):
            upgrade(head, pending: pending, sid: nil)
        case .upgrade(let sid):
            upgrade(head, pending: pending, sid: sid)
        case .poll(let sid):
            guard let actions = sessions[sid]?.engineIO.onPollRequest(now: now) else {
                effects.append(.respond(pending, EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false)))
                return
            }
            applyEngineIO(actions, sid: sid)
        case .post(let sid):
            let actions: [EngineIOServerAction]?
            if request.body.count > engineIOConfiguration.maxPayload {
                actions = sessions[sid]?.engineIO.onPollData([], byteCount: request.body.count, now: now)
            } else {
                do {
                    var packets = try EngineIOPayload.decode(request.body, maxPayload: engineIOConfiguration.maxPayload)
                    if let incoming = configuration.hooks.incomingEngineIO { packets = packets.compactMap { incoming(sid, $0) } }
                    actions = sessions[sid]?.engineIO.onPollData(packets, byteCount: request.body.count, now: now)
                } catch {
                    effects.append(.logLimited(.warning, key: "malformed polling payload", "session \(sid): malformed polling payload: \(error)"))
                    actions = sessions[sid]?.engineIO.onPollDataMalformed(now: now)
                }
            }
            guard let actions else {
                effects.append(.respond(pending, EngineIORequestError.sessionIDUnknown.response(isWebSocketUpgrade: false)))
                return
            }
            applyEngineIO(actions, sid: sid)
        }
    }

    private mutating func upgrade(_ head: HTTPRequestHead, pending: PendingRequest, sid: String?) {
        do throws(WebSocketHandshakeError) {
            effects.append(.upgrade(pending, key: try WebSocketHandshake.validateUpgrade(head), sid: sid))
        } catch {
            effects.append(.rejectUpgrade(pending, Self.handshakeRejection(error)))
        }
    }

    static func handshakeRejection(_ error: WebSocketHandshakeError) -> HTTPResponse {
        var head = error.rejectionResponse ?? HTTPResponseHead(status: 400)
        head.headers.add(name: "Content-Type", value: "text/plain")
        return HTTPResponse(head: head, body: Array("\(error)".utf8))
    }

    /// A request's connection closed before it was answered: a held GET is given back to its session.
    mutating func requestAborted(_ request: PendingRequest, at time: Time) -> [ServerEffect] {
        guard let sid = heldPolls.removeValue(forKey: request.key) else { return [] }
        begin(time)
        if sessions[sid]?.heldPoll == request {
            sessions[sid]?.heldPoll = nil
            if let actions = sessions[sid]?.engineIO.onPollAborted(now: now) { applyEngineIO(actions, sid: sid) }
        }
        return finish()
    }

    // MARK: WebSocket

    /// A WebSocket answered 101: opens a WebSocket-only session (`sid` nil) or offers the WebSocket to
    /// the session's upgrade; `.attachWebSocket` names the session it carries, `.closeWebSocket` refuses it.
    mutating func webSocketOpened(_ endpoint: any WebSocketEndpoint, sid: String?, remoteIP: String, at time: Time) -> [ServerEffect] {
        begin(time)
        guard let sid else {
            let sid = openSession(transport: .webSocket, webSocket: endpoint, remoteIP: remoteIP)
            effects.insert(.attachWebSocket(WebSocketReference(endpoint), sid: sid), at: 0)
            return finish()
        }
        guard let actions = sessions[sid]?.engineIO.onWebSocketOpened(now: now), !actions.contains(.rejectWebSocket) else {
            effects.append(.closeWebSocket(WebSocketReference(endpoint), code: WebSocketCloseCode.normalClosure))
            return finish()
        }
        sessions[sid]?.webSocket = endpoint
        effects.append(.attachWebSocket(WebSocketReference(endpoint), sid: sid))
        applyEngineIO(actions, sid: sid)
        return finish()
    }

    /// What arrived on a session's WebSocket.
    enum WebSocketMessage {
        case text(String)
        case binary([UInt8])
    }

    /// A message arrived on the WebSocket of session `sid`.
    mutating func webSocketReceived(_ message: WebSocketMessage, from endpoint: any WebSocketEndpoint, sid: String, at time: Time) -> [ServerEffect] {
        guard let record = sessions[sid], record.webSocket === endpoint else { return [] }
        begin(time)
        var packet: EngineIOPacket?
        switch message {
        case .text(let text):
            do {
                packet = try EngineIOPacket.decode(text: text)
            } catch {
                effects.append(.logLimited(.warning, key: "malformed engine.io packet", "session \(sid): malformed engine.io packet: \(error)"))
                applyEngineIO(record.engineIO.onWebSocketMalformed(now: now), sid: sid)
                return finish()
            }
        case .binary(let bytes):
            packet = .binaryMessage(bytes)
        }
        if let incoming = configuration.hooks.incomingEngineIO, let received = packet { packet = incoming(sid, received) }
        if let packet { applyEngineIO(record.engineIO.onWebSocketPacket(packet, now: now), sid: sid) }
        return finish()
    }

    /// A session's WebSocket closed or is closing (close frame, protocol error, reset).
    mutating func webSocketClosed(_ endpoint: any WebSocketEndpoint, sid: String, at time: Time) -> [ServerEffect] {
        guard let record = sessions[sid], record.webSocket === endpoint else { return [] }
        begin(time)
        record.webSocket = nil
        applyEngineIO(record.engineIO.onWebSocketClosed(now: now), sid: sid)
        return finish()
    }

    // MARK: Timers

    mutating func timerFired(_ layer: TimerLayer, sid: String, deadline: EngineIOInstant, at time: Time) -> [ServerEffect] {
        guard let record = sessions[sid] else { return [] }
        begin(time)
        switch layer {
        case .engineIO:
            guard record.engineIOTimerDeadline == deadline else { break }
            record.engineIOTimerDeadline = nil
            applyEngineIO(record.engineIO.onTimer(now: now), sid: sid)
        case .socketIO:
            guard record.socketIOTimerDeadline == deadline else { break }
            record.socketIOTimerDeadline = nil
            applySocketIO(record.socketIO.onTimer(now: now), sid: sid)
        case .authentication:
            guard record.authenticationDeadline == deadline else { break }
            record.authenticationDeadline = nil
            tokenExpired(sid: sid)
        }
        return finish()
    }

    // MARK: Store results

    /// A history requested by `.loadHistory` arrived.
    mutating func historyLoaded(session: SessionID, token: UInt64, result: Result<[StoredMessage], StorageError>, at time: Time) -> [ServerEffect] {
        begin(time)
        switch result {
        case .success(let messages):
            applyMessenger(messenger.historyLoaded(session: session, token: token, messages: messages))
        case .failure(let error):
            effects.append(.logLimited(.error, key: "history failed", "history for \(session) failed: \(error)"))
            applyMessenger(messenger.historyFailed(session: session, token: token))
        }
        return finish()
    }

    /// One batch from the store, in commit order: answers its POSTs and acknowledgements, then fans
    /// the committed messages out once.
    mutating func commitsArrived(_ batch: [StoreCompletion], at time: Time) -> [ServerEffect] {
        begin(time)
        var committed: [StoredMessage] = []
        var failureCounts: [StorageError: Int] = [:]
        committed.reserveCapacity(batch.count)
        for completion in batch {
            guard case .own(let submission, let result) = completion else {
                if case .otherNode(let message) = completion { committed.append(message) }
                continue
            }
            guard let waiter = commitWaiters.remove(submission) else { continue }
            let (origin, submittedAt) = (waiter.origin, waiter.submittedAt)
            recordCommit(result, submittedAt: submittedAt)
            switch (origin, result) {
            case (.post(let request), .success(let message)):
                committed.append(message)
                effects.append(.respondCreated(request, message))
            case (.post(let request), .failure(let error)):
                effects.append(.respond(request, storageFailureResponse(error, origin: request.origin)))
            case (.sendMessage(let sid, let session, let ackID), .success(let message)):
                committed.append(message)
                if let ackID { acknowledge(sid: sid, session: session, ackID: ackID, with: Self.successObject(message)) }
            case (.sendMessage(let sid, let session, let ackID), .failure(let error)):
                if let ackID {
                    acknowledge(sid: sid, session: session, ackID: ackID, with: .object([JSONMember("error", .string(Self.storageFailureReason(error)))]))
                }
            }
            if case .failure(let error) = result { failureCounts[error, default: 0] += 1 }
        }
        if !committed.isEmpty { applyMessenger(messenger.messagesCommitted(committed)) }
        // One line per kind of failure in this batch, with the detail (SQL included) the client is not shown.
        for (error, count) in failureCounts {
            let status = error.isStorageFault ? 503 : 500
            effects.append(.logLimited(.error, key: "commit failed \(status)", "commit failed for \(count) message(s), answered \(status): \(error)"))
        }
        return finish()
    }

    /// Counts one of this node's commits: queue depth, latency, accepted, refused, storage health.
    private mutating func recordCommit(_ result: Result<StoredMessage, StorageError>, submittedAt: ContinuousClock.Instant) {
        metrics.pendingCommits = max(0, metrics.pendingCommits - 1)
        let latency = (time.monotonic - submittedAt).components
        metrics.recordCommitLatency(seconds: Double(latency.seconds) + Double(latency.attoseconds) / 1e18)
        switch result {
        case .success:
            metrics.messagesAccepted += 1
            metrics.lastStorageSuccess = time.monotonic
        case .failure(let error):
            metrics.refused(error.isStorageFault ? .storage : .internalError)
            if error.isStorageFault, error != .closed { metrics.lastStorageFailure = (time.monotonic, error.summary) }
        }
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

    /// The reason to refuse a message at once because the commit queue is at its bound (counted); nil
    /// when it may be submitted. `OperatingLimits.maxPendingCommits`.
    mutating func overloadRefusal() -> String? {
        let bound = configuration.operating.maxPendingCommits
        guard bound > 0, metrics.pendingCommits >= bound else { return nil }
        metrics.refused(.overload)
        effects.append(.logLimited(.warning, key: "commit queue full", "message refused: \(bound) messages already wait for the disk"))
        return "message not stored: the server is overloaded; try again later"
    }

    /// A `new_message` held back by `ServerHooks.newMessageDelay` is due.
    mutating func emitNewMessage(_ message: StoredMessage, to recipients: [SessionID], at time: Time) -> [ServerEffect] {
        begin(time)
        emitNewMessage(message, to: recipients)
        return finish()
    }

    // MARK: Closing

    /// The oldest sessions that never sent CONNECT, at most `count` (closed first when descriptors run short).
    func oldestUnconnectedSessions(_ count: Int) -> [String] {
        sessions.filter { !$0.value.socketIO.isConnected }
            .sorted { $0.value.messengerID.value < $1.value.messengerID.value }.prefix(count).map(\.key)
    }

    /// Closes these sessions at once (`.forcedClose`).
    mutating func closeSessions(_ sids: [String], at time: Time) -> [ServerEffect] {
        begin(time)
        for sid in sids { closeSessionNow(sid: sid, reason: .forcedClose) }
        metrics.connectionsShed += sids.count
        return finish()
    }

    /// Closes every session: WebSockets get a close frame, held polls their close packet.
    mutating func closeEverything(at time: Time) -> [ServerEffect] {
        begin(time)
        for sid in Array(sessions.keys) {
            guard let actions = sessions[sid]?.engineIO.close(reason: .forcedClose, now: now) else { continue }
            applyEngineIO(actions, sid: sid)
            // A polling session without a held GET would wait for one; the server is going away.
            if sessions[sid] != nil { closeSessionNow(sid: sid, reason: .forcedClose) }
        }
        return finish()
    }
}
