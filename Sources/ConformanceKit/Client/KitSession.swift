import Synchronization
import WireCodecs

/// One Engine.IO session with its Socket.IO connection to `/`, as a scenario drives it.
///
/// The transport (WebSocket or long-polling) is read by a task of its own that records every event in
/// the history and the wire trace, and notes anything the server got wrong in `protocolViolations`.
/// Pings are answered (`autoPong`) on the kit's loop thread for a WebSocket, so a starved cooperative
/// pool cannot delay the pong past pingTimeout, and by a POST from the reader task on polling. Every
/// wait is bounded and ends on cancellation. It reports through a `KitRecorder` and throws
/// `KitClientError`, which the scenario layer judges. Opened by `ScenarioContext.connect`. Engine.IO
/// v4, Socket.IO v5; Spec §1.
public final class KitSession: Sendable {
    public let label: String
    /// The handshake's open packet data.
    public let openPayload: EngineIOOpenPayload
    /// Whether Engine.IO pings are answered with pongs.
    public let autoPong: Bool

    let recorder: any KitRecorder
    let settings: KitClientSettings
    let address: KitServerAddress

    struct Binding {
        var user: String
        var joinedAt: Duration
        var joinOperation: OperationID
        /// Index into `events` of the first event received after the join was emitted.
        var firstEventIndex: Int
    }

    struct State {
        var transport: TransportKind
        var openedAt: Duration
        var webSocket: KitWebSocket?
        var socketID: String?
        var isClosed = false
        var isClosedByClient = false
        var closeReason: String?
        /// When the client closed it (DISCONNECT or transport close).
        var clientClosedAt: Duration?
        var pingsReceived = 0
        var pingTimes: [Duration] = []
        var violations: [String] = []
        var events: [ReceivedEvent] = []
        var nextAckID = 0
        var ackWaiters: [Int: KitMailbox<[JSONValue]>] = [:]
        var bindings: [Binding] = []
        var isPollingPaused = false
        /// The user whose token the CONNECT to `/` carried (authenticated runs only).
        var tokenUser: String?
        /// Set when the server sent DISCONNECT for `/` (`41`).
        var isRootDisconnectedByServer = false
        var isPollInFlight = false
    }

    let state: Mutex<State>
    /// Events not yet consumed by `nextEvent` / `waitForEvent`.
    let unconsumed = KitMailbox<ReceivedEvent>()
    /// CONNECT and CONNECT_ERROR answers.
    let namespaceAnswers = KitMailbox<SocketIOPacket>()
    /// One token: whoever holds it sends (polling allows one POST at a time; upgrades hold it).
    let sendGate = KitMailbox<Void>()
    /// Closed when the session closes.
    let closedSignal = KitMailbox<Void>()
    /// Closed when the poll loop has ended (upgrade or close).
    let pollLoopEnded = KitMailbox<Void>()

    init(recorder: any KitRecorder, settings: KitClientSettings, address: KitServerAddress, label: String,
         openPayload: EngineIOOpenPayload, transport: TransportKind, autoPong: Bool) {
        self.recorder = recorder
        self.settings = settings
        self.address = address
        self.label = label
        self.openPayload = openPayload
        self.autoPong = autoPong
        self.state = Mutex(State(transport: transport, openedAt: recorder.clock.now()))
        sendGate.push(())
        recorder.noteHeartbeat(pingInterval: openPayload.pingInterval, pingTimeout: openPayload.pingTimeout)
    }

    /// pingInterval + pingTimeout as the open packet advertised them: the server's heartbeat cycle.
    public var heartbeatPeriod: Duration { .milliseconds(openPayload.pingInterval + openPayload.pingTimeout) }

    // MARK: State

    /// The `sid` of the CONNECT answer for `/`, once received.
    public var socketID: String? { state.withLock { $0.socketID } }

    /// The transport in use now (`.webSocket` after an upgrade).
    public var transport: TransportKind { state.withLock { $0.transport } }

    /// Every event received, in arrival order (consumed or not).
    public var events: [ReceivedEvent] { state.withLock { $0.events } }

    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Why the session closed (`closed by the client`, `the server closed the WebSocket (1000)`, …).
    public var closeReason: String? { state.withLock { $0.closeReason } }

    /// Engine.IO pings received.
    public var pingsReceived: Int { state.withLock { $0.pingsReceived } }

    /// When each Engine.IO ping arrived (`KitClock`), in order.
    public var pingTimes: [Duration] { state.withLock { $0.pingTimes } }

    /// When the handshake's open packet arrived (`KitClock`).
    public var openedAt: Duration { state.withLock { $0.openedAt } }

    /// Strictness findings: malformed frames or packets from the server, unexpected packet types.
    public var protocolViolations: [String] { state.withLock { $0.violations } }

    /// Whether the server sent a Socket.IO DISCONNECT for `/` (Spec AUTH-6).
    public var isRootDisconnectedByServer: Bool { state.withLock { $0.isRootDisconnectedByServer } }

    /// The users this session joined, in order.
    public var joinedUsers: [String] { state.withLock { $0.bindings.map(\.user) } }

    // MARK: Events

    /// The next event not yet consumed, in arrival order; nil on timeout or once closed and drained.
    public func nextEvent(timeout: Duration) async -> ReceivedEvent? {
        await unconsumed.next(timeout: timeout)
    }

    /// Consumes events until one matches; nil on timeout or close. Every event stays in `events`.
    public func waitForEvent(timeout: Duration, where match: @Sendable (ReceivedEvent) -> Bool) async -> ReceivedEvent? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let event = await unconsumed.next(timeout: remaining) else { return nil }
            if match(event) { return event }
        }
    }

    /// Consumes and returns every event that arrives within `duration` (a quiet period check).
    public func collectEvents(for duration: Duration) async -> [ReceivedEvent] {
        let deadline = ContinuousClock.now + duration
        var collected: [ReceivedEvent] = []
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let event = await unconsumed.next(timeout: remaining) else { return collected }
            collected.append(event)
        }
    }

    // MARK: Emitting

    /// Emits an event on `/` (`42["name",…]`) and records an `emit` operation.
    public func emit(_ event: String, _ arguments: [JSONValue]) async throws {
        let operation = recorder.history.invoke(process: label, .emit(event: event), value: Self.summary(arguments))
        do {
            try await sendSocketIO(.event(event, arguments))
            recorder.history.ok(operation)
        } catch {
            recorder.history.info(operation, result: "\(error)")
            throw error
        }
    }

    /// Emits an event with an ack id and waits for the ACK's arguments; nil when none came in time.
    public func emitWithAck(_ event: String, _ arguments: [JSONValue], timeout: Duration) async throws -> [JSONValue]? {
        let mailbox = KitMailbox<[JSONValue]>()
        let ackID = state.withLock { state in
            let id = state.nextAckID
            state.nextAckID += 1
            state.ackWaiters[id] = mailbox
            return id
        }
        defer { _ = state.withLock { $0.ackWaiters.removeValue(forKey: ackID) } }
        let operation = recorder.history.invoke(process: label, .emit(event: event), value: Self.summary(arguments))
        do {
            try await sendSocketIO(.event(event, arguments, ackID: ackID))
        } catch {
            recorder.history.info(operation, result: "\(error)")
            throw error
        }
        guard let answer = await mailbox.next(timeout: timeout) else {
            recorder.history.info(operation, result: "no ack within \(KitFormat.duration(timeout))")
            return nil
        }
        recorder.history.ok(operation, result: "ack " + Self.summary(answer))
        return answer
    }

    /// Emits `join` and waits (5 s, scaled) for the next `all_messages`; records a `join` operation.
    ///
    /// Throws `KitClientError.noAllMessages` when no `all_messages` arrives, naming the events that
    /// came instead (Spec JOIN-1). The shape is not judged here: see `AllMessages.shapeError` (JOIN-2).
    public func join(_ user: String) async throws -> AllMessages {
        try await join(argument: .string(user), user: user)
    }

    /// `join` with any argument (Spec JOIN-7 sends invalid ones); `user` names the binding it makes.
    func join(argument: JSONValue, user: String) async throws -> AllMessages {
        // Spec AUTH-5: an authenticated session joins only its token's user; to join another, the
        // kit reconnects `/` on the same session with a token for that user.
        if settings.authentication != nil, argument == .string(user), state.withLock({ $0.tokenUser }) != user {
            try await sendSocketIO(.disconnect())
            try await connectRoot(as: user, operation: nil)
        }
        let operation = recorder.history.invoke(process: label, .join, value: user)
        let joinedAt = recorder.clock.now()
        state.withLock { state in
            if state.bindings.last?.user != user {
                state.bindings.append(Binding(user: user, joinedAt: joinedAt, joinOperation: operation, firstEventIndex: state.events.count))
            }
        }
        do {
            try await sendSocketIO(.event("join", [argument]))
        } catch {
            recorder.history.info(operation, result: "\(error)")
            throw error
        }
        let timeout = settings.timeout(.seconds(5))
        let deadline = ContinuousClock.now + timeout
        var others: [ReceivedEvent] = []
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let event = await unconsumed.next(timeout: remaining) else { break }
            if event.name == "all_messages" {
                let history = AllMessages(raw: event.arguments.first ?? .null, time: event.time, operation: event.operation)
                recorder.history.ok(operation, result: "all_messages \(history.conversations.count) conversation(s)")
                return history
            }
            others.append(event)
        }
        let closed = isClosed ? " (session closed: \(closeReason ?? "unknown"))" : ""
        let actual = others.isEmpty
            ? "no event within \(KitFormat.duration(timeout))\(closed)"
            : "only " + others.prefix(5).map(\.summary).joined(separator: "; ") + closed
        recorder.history.fail(operation, result: actual)
        throw KitClientError.noAllMessages(session: label, limit: timeout, actual: actual, witnesses: [operation] + others.prefix(5).map(\.operation))
    }

    // MARK: Delivery checker view

    /// The session as the delivery checker sees it: its latest binding (or unbound when it never
    /// joined) with the `all_messages` / `new_message` events received since that join (nonce = content).
    public func observedSession() -> ObservedSession {
        observedSessions().last ?? ObservedSession(label: label, user: nil)
    }

    /// One `ObservedSession` per binding (Spec JOIN-6 rebinding); a binding ends when the next begins.
    /// Labels are `label` for a single binding, else `label[1]`, `label[2]`, ….
    public func observedSessions() -> [ObservedSession] {
        let (bindings, events, clientClosedAt) = state.withLock { ($0.bindings, $0.events, $0.clientClosedAt) }
        func observations(_ range: Range<Int>) -> [SessionObservation] {
            events[range].compactMap { event in
                switch event.name {
                case "all_messages":
                    guard let map = AllMessages.nonceMap(event.arguments.first ?? .null) else { return nil }
                    return SessionObservation(.allMessages(map), time: event.time, operation: event.operation)
                case "new_message":
                    guard let content = event.arguments.first?["content"]?.stringValue else { return nil }
                    return SessionObservation(.newMessage(nonce: content), time: event.time, operation: event.operation)
                default:
                    return nil
                }
            }
        }
        guard !bindings.isEmpty else {
            return [ObservedSession(label: label, user: nil, closedAt: clientClosedAt, observations: observations(events.indices))]
        }
        var sessions: [ObservedSession] = []
        for (index, binding) in bindings.enumerated() {
            let next = index + 1 < bindings.count ? bindings[index + 1] : nil
            let end = min(events.count, next?.firstEventIndex ?? events.count)
            let start = min(binding.firstEventIndex, end)
            sessions.append(ObservedSession(
                label: bindings.count == 1 ? label : "\(label)[\(index + 1)]", user: binding.user,
                joinedAt: binding.joinedAt, joinOperation: binding.joinOperation,
                closedAt: next?.joinedAt ?? clientClosedAt, observations: observations(start..<end)))
        }
        return sessions
    }

    static func summary(_ arguments: [JSONValue]) -> String {
        KitFormat.truncated(arguments.map { $0.serialized() }.joined(separator: ", "), limit: 200)
    }
}
