import WireCodecs

/// The server side of one Engine.IO v4 session: polling queue, heartbeat, upgrade, close.
///
/// Engine.IO v4 "Protocol" (handshake, heartbeat, upgrade, message) and "HTTP long-polling";
/// where the document is silent it follows the Node.js engine.io server (`lib/socket.ts`,
/// `lib/transports/polling.ts`). No I/O: every input is a `mutating func on…(…, now:)` that
/// returns the actions to carry out, in order. Timers come back as `scheduleTimer(at:)`; the
/// owner calls `onTimer(now:)` then. Packets are already decoded; where a size matters the
/// caller passes the encoded byte count.
public struct EngineIOServerSession: Sendable {
    public typealias Action = EngineIOServerAction

    /// The session id (`sid` in the open packet and the query string).
    public let sid: String
    public let configuration: EngineIOServerConfiguration
    /// The transport packets currently travel on; becomes `.webSocket` at the `5` upgrade packet.
    public private(set) var transport: EngineIOTransport
    /// Whether a GET poll is being held open (answered by a later `respondToPoll`).
    public private(set) var hasPendingPoll = false
    /// Set once the session is over; every later input is answered as for an unknown session.
    public private(set) var closeReason: EngineIOCloseReason?
    /// The earliest instant at which `onTimer(now:)` has something to do, if any.
    public var nextDeadline: EngineIOInstant? { computeNextDeadline() }

    public var isClosed: Bool { closeReason != nil }

    /// Where an upgrade to WebSocket stands (Engine.IO v4 "Upgrade").
    public enum UpgradeState: Sendable, Equatable {
        /// No WebSocket is being probed.
        case none
        /// A WebSocket with this sid is open; waiting for `2probe` (or `5`).
        case awaitingProbe
        /// `3probe` was answered; polling is being drained with `6` noops until `5` arrives.
        case probed
        /// The session moved to WebSocket.
        case completed
    }

    public private(set) var upgradeState: UpgradeState = .none

    private struct QueuedPacket: Sendable {
        var packet: EngineIOPacket
        var byteCount: Int
    }

    private var queue: [QueuedPacket] = []
    private var nextPingAt: EngineIOInstant?
    private var pongDeadline: EngineIOInstant?
    private var upgradeDeadline: EngineIOInstant?
    /// Set while a forced close of a polling session waits for a GET to carry `1`.
    private var closing: (reason: EngineIOCloseReason, deadline: EngineIOInstant)?
    private var lastScheduledDeadline: EngineIOInstant?

    private init(sid: String, transport: EngineIOTransport, configuration: EngineIOServerConfiguration) {
        self.sid = sid
        self.transport = transport
        self.configuration = configuration
    }

    /// Opens a session for a handshake request and returns the actions that answer it.
    ///
    /// Engine.IO v4 "Handshake": for polling the handshake GET is answered at once with the
    /// open packet (`respondToPoll([.open])`); for WebSocket the open packet is written to the
    /// new connection. Polling sessions advertise `configuration.upgrades`, WebSocket ones none.
    /// The first ping is due `pingInterval` after `now`.
    public static func open(
        sid: String,
        transport: EngineIOTransport,
        configuration: EngineIOServerConfiguration = .standard,
        now: EngineIOInstant
    ) -> (session: EngineIOServerSession, actions: [Action]) {
        var session = EngineIOServerSession(sid: sid, transport: transport, configuration: configuration)
        let payload = EngineIOOpenPayload(
            sid: sid,
            upgrades: transport == .polling ? configuration.upgrades.map(\.rawValue) : [],
            pingInterval: configuration.pingInterval,
            pingTimeout: configuration.pingTimeout,
            maxPayload: configuration.maxPayload
        )
        var actions: [Action] = transport == .polling
            ? [.respondToPoll([.open(payload)])]
            : [.writeToWebSocket(.open(payload))]
        session.nextPingAt = now.advanced(byMilliseconds: configuration.pingInterval)
        session.appendTimerChange(to: &actions)
        return (session, actions)
    }

    // MARK: - HTTP long-polling

    /// A GET poll for this session arrived.
    ///
    /// Engine.IO v4 "Receiving data": queued packets are sent at once (as many as fit in
    /// `maxPayload`); otherwise the poll is held. A second GET while one is held is refused
    /// with 400 and closes the session ("transport error"); the held GET gets `1` (as Node).
    /// While an upgrade is probed, an empty queue answers `6` at once (Node's "fast upgrade").
    public mutating func onPollRequest(now: EngineIOInstant) -> [Action] {
        guard !isClosed, transport == .polling, upgradeState != .completed else {
            return [.rejectRequest(status: 400)]
        }
        var actions: [Action] = []
        if hasPendingPoll {
            actions.append(.rejectRequest(status: 400))
            actions += finish(reason: .transportError)
            return actions
        }
        hasPendingPoll = true
        if closing != nil {
            actions += flushPoll()
        } else if !queue.isEmpty {
            actions += flushPoll()
        } else if upgradeState == .probed {
            hasPendingPoll = false
            actions.append(.respondToPoll([.noop]))
        } else {
            actions.append(.holdPoll)
        }
        appendTimerChange(to: &actions)
        return actions
    }

    /// A POST for this session arrived with its body decoded into packets.
    ///
    /// Engine.IO v4 "Sending data": the POST is answered `ok`. `byteCount` is the body's
    /// length; over `maxPayload` it is refused with 413 and the packets are ignored (the
    /// session lives on, as with Node's `maxHttpBufferSize`). Messages are delivered, a `3`
    /// pong re-arms the heartbeat, a `1` close ends the session ("transport close", a held
    /// GET gets `6`), a `2` ping from the client is a v3 heartbeat and ends it
    /// ("transport error", answered 400).
    public mutating func onPollData(_ packets: [EngineIOPacket], byteCount: Int, now: EngineIOInstant) -> [Action] {
        guard !isClosed, transport == .polling, upgradeState != .completed else {
            return [.rejectRequest(status: 400)]
        }
        if byteCount > configuration.maxPayload {
            return [.rejectRequest(status: 413)]
        }
        var actions: [Action] = []
        var handled: [Action] = []
        for packet in packets {
            handled += receive(packet, now: now)
            if isClosed { break }
        }
        if closeReason == .transportError {
            actions.append(.rejectRequest(status: 400))
        } else {
            actions.append(.acknowledgePost)
        }
        actions += handled
        appendTimerChange(to: &actions)
        return actions
    }

    /// A POST body did not decode as a v4 polling payload: answer 400, close ("parse error").
    public mutating func onPollDataMalformed(now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [.rejectRequest(status: 400)] }
        return [.rejectRequest(status: 400)] + finish(reason: .parseError)
    }

    /// The held GET's connection closed before it was answered: the session ends with
    /// "transport error" (Node: "poll connection closed prematurely"). Ignored without a held
    /// GET or once the session has moved to WebSocket.
    public mutating func onPollAborted(now: EngineIOInstant) -> [Action] {
        guard !isClosed, hasPendingPoll, transport == .polling else { return [] }
        hasPendingPoll = false
        return finish(reason: .transportError)
    }

    // MARK: - WebSocket

    /// A WebSocket carrying this session's sid completed its opening handshake (an upgrade).
    ///
    /// Engine.IO v4 "Upgrade": accepted only for an open polling session that offers
    /// `websocket` and is not already upgrading; otherwise `rejectWebSocket` (the spec: "A
    /// client MUST NOT open more than one WebSocket connection per session"). The probe must
    /// complete within `upgradeTimeout`, else the WebSocket is closed and polling goes on.
    public mutating func onWebSocketOpened(now: EngineIOInstant) -> [Action] {
        guard !isClosed, closing == nil, transport == .polling, upgradeState == .none,
              configuration.upgrades.contains(.webSocket)
        else { return [.rejectWebSocket] }
        upgradeState = .awaitingProbe
        upgradeDeadline = now.advanced(byMilliseconds: configuration.upgradeTimeout)
        var actions: [Action] = []
        appendTimerChange(to: &actions)
        return actions
    }

    /// A packet arrived on the session's WebSocket.
    ///
    /// During an upgrade: `2probe` is answered `3probe` (and a held GET is released with `6`);
    /// `5` switches the session to WebSocket and flushes the queue there; anything else aborts
    /// the upgrade (the WebSocket is closed, polling goes on), as Node does. On the active
    /// WebSocket the packet is handled as on polling.
    public mutating func onWebSocketPacket(_ packet: EngineIOPacket, now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        var actions: [Action] = []
        if transport == .webSocket {
            actions += receive(packet, now: now)
        } else {
            switch (upgradeState, packet) {
            case (.awaitingProbe, .ping("probe")), (.probed, .ping("probe")):
                upgradeState = .probed
                actions.append(.writeToWebSocket(.pong("probe")))
                if hasPendingPoll {
                    hasPendingPoll = false
                    actions.append(.respondToPoll([.noop]))
                }
            case (.awaitingProbe, .upgrade), (.probed, .upgrade):
                actions += completeUpgrade()
            case (.awaitingProbe, _), (.probed, _):
                actions += abortUpgrade()
            case (.none, _), (.completed, _):
                break
            }
        }
        appendTimerChange(to: &actions)
        return actions
    }

    /// A WebSocket message did not decode as an Engine.IO packet.
    ///
    /// On the active WebSocket the session ends ("parse error"); on a WebSocket being probed
    /// only the upgrade is abandoned.
    public mutating func onWebSocketMalformed(now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        if transport == .webSocket { return finish(reason: .parseError) }
        var actions = abortUpgrade()
        appendTimerChange(to: &actions)
        return actions
    }

    /// The session's WebSocket closed (peer close frame, reset, or WebSocket protocol error).
    ///
    /// The active WebSocket ending ends the session ("transport close"); a probed one only
    /// abandons the upgrade.
    public mutating func onWebSocketClosed(now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        if transport == .webSocket {
            return finish(reason: .transportClose, webSocketAlreadyClosed: true)
        }
        guard upgradeState == .awaitingProbe || upgradeState == .probed else { return [] }
        upgradeState = .none
        upgradeDeadline = nil
        var actions: [Action] = []
        appendTimerChange(to: &actions)
        return actions
    }

    // MARK: - Timers

    /// Runs whatever is due at `now`: the ping, the pong deadline ("ping timeout"), the
    /// upgrade deadline, the forced-close deadline. Calling it early does nothing harmful.
    ///
    /// Engine.IO v4 "Heartbeat": "At a given interval (`pingInterval`) the server sends a ping
    /// packet and the client has a few seconds (`pingTimeout`) to send a pong packet back."
    public mutating func onTimer(now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        lastScheduledDeadline = nil
        var actions: [Action] = []
        if let closing {
            if now >= closing.deadline { return finish(reason: closing.reason) }
            appendTimerChange(to: &actions)
            return actions
        }
        if let pongDeadline, now >= pongDeadline {
            return finish(reason: .pingTimeout)
        }
        if let upgradeDeadline, now >= upgradeDeadline {
            actions += abortUpgrade()
        }
        if let nextPingAt, now >= nextPingAt {
            self.nextPingAt = nil
            pongDeadline = now.advanced(byMilliseconds: configuration.pingTimeout)
            actions += enqueue(.ping(""), byteCount: 1)
        }
        appendTimerChange(to: &actions)
        return actions
    }

    // MARK: - From the application

    /// Sends a packet from the layer above (normally `message` or `binaryMessage`).
    ///
    /// On WebSocket it is written at once; on polling it is queued and a held GET is answered.
    /// `encodedByteCount` is the packet's length inside a polling payload (`<type><data>` in
    /// UTF-8 bytes, or `b` + base64 for binary); it keeps GET responses within `maxPayload`.
    /// Dropped once the session is closing or closed (as Node's `sendPacket`).
    public mutating func send(_ packet: EngineIOPacket, encodedByteCount: Int) -> [Action] {
        guard !isClosed, closing == nil else { return [] }
        var actions = enqueue(packet, byteCount: encodedByteCount)
        appendTimerChange(to: &actions)
        return actions
    }

    /// Closes the session from the server side.
    ///
    /// WebSocket: the WebSocket is closed at once. Polling: queued packets and a final `1`
    /// close packet go out on the held GET, or on the next GET within `closeTimeout`; then
    /// `sessionClosed(reason:)`. A WebSocket being probed is closed. Default reason
    /// "forced close", as Node's `socket.close()`.
    public mutating func close(reason: EngineIOCloseReason = .forcedClose, now: EngineIOInstant) -> [Action] {
        guard !isClosed, closing == nil else { return [] }
        if transport == .webSocket { return finish(reason: reason) }
        var actions: [Action] = []
        if upgradeState == .awaitingProbe || upgradeState == .probed {
            actions += abortUpgrade()
        }
        closing = (reason, now.advanced(byMilliseconds: configuration.closeTimeout))
        nextPingAt = nil
        pongDeadline = nil
        if hasPendingPoll {
            actions += flushPoll()
        }
        if !isClosed { appendTimerChange(to: &actions) }
        return actions
    }

    // MARK: - Internals

    /// Handles one packet from the client on the active transport.
    private mutating func receive(_ packet: EngineIOPacket, now: EngineIOInstant) -> [Action] {
        guard closing == nil else { return [] }  // Node ignores packets unless "open"
        switch packet {
        case .pong:
            pongDeadline = nil
            nextPingAt = now.advanced(byMilliseconds: configuration.pingInterval)
            return []
        case .ping:
            // v4 reversed the heartbeat: a ping from the client is "invalid heartbeat direction".
            return finish(reason: .transportError)
        case .message, .binaryMessage:
            return [.deliverToApplication(packet)]
        case .close:
            return finish(reason: .transportClose)
        case .open, .upgrade, .noop:
            return []
        }
    }

    /// Queues (polling) or writes (WebSocket) one packet.
    private mutating func enqueue(_ packet: EngineIOPacket, byteCount: Int) -> [Action] {
        if transport == .webSocket { return [.writeToWebSocket(packet)] }
        queue.append(QueuedPacket(packet: packet, byteCount: max(byteCount, 0)))
        return hasPendingPoll ? flushPoll() : []
    }

    /// Answers the held GET with as many queued packets as fit in `maxPayload`.
    ///
    /// The first packet always goes (a lone packet larger than `maxPayload` would otherwise
    /// never leave); each further one costs its size plus one `\x1e` separator. While closing,
    /// the `1` close packet is appended once the queue is empty, and the session ends.
    private mutating func flushPoll() -> [Action] {
        guard hasPendingPoll else { return [] }
        var batch: [EngineIOPacket] = []
        var total = 0
        var taken = 0
        for queued in queue {
            let cost = batch.isEmpty ? queued.byteCount : total + 1 + queued.byteCount
            if !batch.isEmpty && cost > configuration.maxPayload { break }
            batch.append(queued.packet)
            total = cost
            taken += 1
        }
        queue.removeFirst(taken)
        if let closing, queue.isEmpty, batch.isEmpty || total + 2 <= configuration.maxPayload {
            batch.append(.close)
            hasPendingPoll = false
            return [.respondToPoll(batch)] + finish(reason: closing.reason)
        }
        guard !batch.isEmpty else { return [] }
        hasPendingPoll = false
        return [.respondToPoll(batch)]
    }

    private mutating func completeUpgrade() -> [Action] {
        var actions: [Action] = []
        if hasPendingPoll {
            hasPendingPoll = false
            actions.append(.respondToPoll([.noop]))
        }
        transport = .webSocket
        upgradeState = .completed
        upgradeDeadline = nil
        if !queue.isEmpty {
            actions += queue.map { .writeToWebSocket($0.packet) }
            queue.removeAll()
        }
        return actions
    }

    private mutating func abortUpgrade() -> [Action] {
        guard upgradeState == .awaitingProbe || upgradeState == .probed else { return [] }
        upgradeState = .none
        upgradeDeadline = nil
        return [.closeWebSocket]
    }

    /// Ends the session: releases a held GET, closes the WebSocket, reports the reason.
    ///
    /// A held GET gets `6` when the client closed ("transport close", as Node's polling
    /// `onClose`) and `1` otherwise (Node's `doClose` on a writable poll).
    private mutating func finish(reason: EngineIOCloseReason, webSocketAlreadyClosed: Bool = false) -> [Action] {
        var actions: [Action] = []
        if hasPendingPoll {
            hasPendingPoll = false
            actions.append(.respondToPoll([reason == .transportClose ? .noop : .close]))
        }
        let hasWebSocket = transport == .webSocket || upgradeState == .awaitingProbe || upgradeState == .probed
        if hasWebSocket && !webSocketAlreadyClosed {
            actions.append(.closeWebSocket)
        }
        closeReason = reason
        closing = nil
        queue.removeAll()
        nextPingAt = nil
        pongDeadline = nil
        upgradeDeadline = nil
        if upgradeState != .completed { upgradeState = .none }
        actions.append(.sessionClosed(reason: reason))
        return actions
    }

    private func computeNextDeadline() -> EngineIOInstant? {
        guard !isClosed else { return nil }
        if let closing { return closing.deadline }
        // Hot path (after every packet sent): the earliest of three optionals, without building arrays.
        return Self.earliest(Self.earliest(nextPingAt, pongDeadline), upgradeDeadline)
    }

    private static func earliest(_ first: EngineIOInstant?, _ second: EngineIOInstant?) -> EngineIOInstant? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }

    /// Appends `scheduleTimer(at:)` when the next deadline differs from the one last asked for.
    private mutating func appendTimerChange(to actions: inout [Action]) {
        guard !isClosed, let deadline = computeNextDeadline() else { return }
        if deadline != lastScheduledDeadline {
            lastScheduledDeadline = deadline
            actions.append(.scheduleTimer(at: deadline))
        }
    }
}
