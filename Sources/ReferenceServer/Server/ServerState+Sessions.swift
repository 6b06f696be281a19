import MessageStore
import NetworkCore
import WireCodecs

/// Carrying out the actions of `EngineIOServerSession`, `SocketIOServerSession` and `MessengerState`
/// inside `ServerState`: each records `ServerEffect`s for the input being handled.
extension ServerState {
    // MARK: Sessions

    /// Opens an Engine.IO session with its Socket.IO layer (Engine.IO v4 "Handshake").
    @discardableResult
    mutating func openSession(transport: EngineIOTransport, webSocket: (any WebSocketEndpoint)?, remoteIP: String) -> String {
        var sid = configuration.sessionIDPrefix + makeSessionID()
        while sessions[sid] != nil { sid = configuration.sessionIDPrefix + makeSessionID() }
        let (engineIO, engineActions) = EngineIOServerSession.open(
            sid: sid, transport: transport, configuration: engineIOConfiguration, now: now)
        let (socketIO, socketActions) = SocketIOServerSession.open(
            engineIOSessionID: sid, configuration: socketIOConfiguration, now: now)
        let messengerID = SessionID(nextMessengerID)
        nextMessengerID += 1
        sessions[sid] = SessionRecord(
            engineIO: engineIO, socketIO: socketIO, messengerID: messengerID, webSocket: webSocket, remoteIP: remoteIP)
        sidByMessengerID[messengerID] = sid
        metrics.sessionsOpened += 1
        effects.append(.log(.debug, "session \(sid) opened (\(transport.rawValue))"))
        applyEngineIO(engineActions, sid: sid)
        applySocketIO(socketActions, sid: sid)
        return sid
    }

    /// Forgets a session at once (what `.sessionClosed` does), closing its WebSocket if any.
    mutating func closeSessionNow(sid: String, reason: EngineIOCloseReason) {
        guard let record = sessions.removeValue(forKey: sid) else { return }
        admission.sessionClosed(sid: sid)
        sidByMessengerID[record.messengerID] = nil
        _ = record.socketIO.onEngineIOClosed(reason: reason)
        messenger.sessionClosed(record.messengerID)
        if let webSocket = record.webSocket {
            effects.append(.closeWebSocket(WebSocketReference(webSocket), code: WebSocketCloseCode.goingAway))
        }
        if let held = record.heldPoll {
            heldPolls[held.key] = nil
            effects.append(.respond(held, Self.pollResponse([.close], origin: held.origin)))
        }
        metrics.sessionsClosed += 1
        metrics.sessionsClosedByReason[reason, default: 0] += 1
        effects.append(.log(.debug, "session \(sid) closed: \(reason.rawValue)"))
    }

    static func pollResponse(_ packets: [EngineIOPacket], origin: RequestOrigin?) -> HTTPResponse {
        .withCORS(status: 200, contentType: "text/plain; charset=UTF-8", body: EngineIOPayload.encode(packets), origin: origin)
    }

    // MARK: Engine.IO

    mutating func applyEngineIO(_ actions: [EngineIOServerAction], sid: String) {
        // The two hooks read field by field: a copy of `configuration.hooks` retains every closure in it.
        let outgoingEngineIO = configuration.hooks.outgoingEngineIO
        var actions = actions
        if let engineIOActions = configuration.hooks.engineIOActions { actions = engineIOActions(sid, actions) }
        for action in actions {
            switch action {
            case .respondToPoll(var packets):
                if let outgoing = outgoingEngineIO { packets = packets.flatMap { outgoing(sid, $0) } }
                let target: PendingRequest?
                if let held = sessions[sid]?.heldPoll {
                    sessions[sid]?.heldPoll = nil
                    heldPolls[held.key] = nil
                    target = held
                } else {
                    target = currentRequest
                    if let target, heldPolls[target.key] == sid { heldPolls[target.key] = nil }
                }
                if let target {
                    effects.append(.respond(target, Self.pollResponse(packets, origin: target.origin)))
                }
            case .holdPoll:
                sessions[sid]?.heldPoll = currentRequest
                if let currentRequest { heldPolls[currentRequest.key] = sid }
            case .acknowledgePost:
                if let request = currentRequest {
                    let response = HTTPResponse.withCORS(
                        status: 200, contentType: "text/html", body: Array("ok".utf8), origin: request.origin)
                    effects.append(.respond(request, response))
                }
            case .rejectRequest(let status):
                if let request = currentRequest {
                    effects.append(.respond(request, .withCORS(status: status, contentType: nil, body: [], origin: request.origin)))
                }
            case .writeToWebSocket(let packet):
                guard let webSocket = sessions[sid]?.webSocket else { continue }
                if let outgoing = outgoingEngineIO {
                    for rewritten in outgoing(sid, packet) {
                        effects.append(.writeWebSocket(WebSocketReference(webSocket), frame(for: rewritten)))
                    }
                } else {
                    effects.append(.writeWebSocket(WebSocketReference(webSocket), frame(for: packet)))
                }
            case .closeWebSocket:
                if let webSocket = sessions[sid]?.webSocket {
                    sessions[sid]?.webSocket = nil
                    effects.append(.closeWebSocket(WebSocketReference(webSocket), code: WebSocketCloseCode.normalClosure))
                }
            case .rejectWebSocket:
                break  // handled by `webSocketOpened` before the actions are applied
            case .deliverToApplication(let packet):
                deliverToSocketIO(packet, sid: sid)
            case .scheduleTimer(let deadline):
                sessions[sid]?.engineIOTimerDeadline = deadline
                effects.append(.scheduleTimer(.engineIO, sid: sid, at: deadline))
            case .sessionClosed(let reason):
                closeSessionNow(sid: sid, reason: reason)
            }
        }
    }

    /// The WebSocket frame of one Engine.IO packet; a shared `new_message` frame is encoded once.
    private mutating func frame(for packet: EngineIOPacket) -> [UInt8] {
        if case .message(let text) = packet, let shared = sharedFrame, shared.text == text {
            if let frame = shared.frame { return frame }
            let frame = Self.textFrame(for: packet)
            sharedFrame = (text, frame)
            return frame
        }
        if case .binaryMessage(let bytes) = packet {
            var frame: [UInt8] = []
            frame.reserveCapacity(bytes.count + 10)
            WebSocketFrame.appendBinary(bytes, to: &frame)
            return frame
        }
        return Self.textFrame(for: packet)
    }

    static func textFrame(for packet: EngineIOPacket) -> [UInt8] {
        if case .message(let text) = packet {
            // Hot path (every event, every new_message): `4` and the text written into the frame itself.
            let payloadLength = 1 + text.utf8.count
            var frame: [UInt8] = []
            frame.reserveCapacity(payloadLength + 10)
            WebSocketFrame.appendFrame(opcode: .text, payloadLength: payloadLength, to: &frame) { packet.appendEncodedText(to: &$0) }
            return frame
        }
        var payload: [UInt8] = []
        packet.appendEncodedText(to: &payload)
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + 10)
        WebSocketFrame.appendText(payload, to: &frame)
        return frame
    }

    // MARK: Socket.IO

    private mutating func deliverToSocketIO(_ packet: EngineIOPacket, sid: String) {
        let actions: [SocketIOServerAction]?
        switch packet {
        case .message(let text):
            do {
                let decoded = try SocketIOPacket.decode(text, limits: configuration.limits)
                actions = sessions[sid]?.socketIO.onPacket(decoded, now: now)
            } catch {
                effects.append(.logLimited(.warning, key: "malformed socket.io packet", "session \(sid): malformed socket.io packet: \(error)"))
                actions = sessions[sid]?.socketIO.onMalformedPacket(now: now)
            }
        case .binaryMessage(let bytes):
            actions = sessions[sid]?.socketIO.onBinaryAttachment(bytes, now: now)
        default:
            actions = nil
        }
        if let actions { applySocketIO(actions, sid: sid) }
    }

    mutating func applySocketIO(_ actions: [SocketIOServerAction], sid: String) {
        for action in actions {
            switch action {
            case .send(let packet):
                sendMessage(packet.encoded(), sid: sid)
            case .sendAttachment:
                break  // The messenger emits no binary events.
            case .connectRequested(let auth):
                connectRequested(auth: auth, sid: sid)
            case .connected(let socketID, _):
                guard let messengerID = sessions[sid]?.messengerID else { continue }
                messenger.sessionOpened(messengerID)
                effects.append(.log(.debug, "session \(sid) connected to / as \(socketID)"))
            case .event(let name, let arguments, let ackID, _):
                handleEvent(name, arguments: arguments, ackID: ackID, sid: sid)
            case .ack:
                break  // The server never asks for acknowledgements.
            case .disconnected(let reason):
                if let messengerID = sessions[sid]?.messengerID { messenger.sessionClosed(messengerID) }
                effects.append(.log(.debug, "session \(sid) disconnected from /: \(reason.rawValue)"))
            case .closeEngineIO(let reason):
                guard let engineActions = sessions[sid]?.engineIO.close(reason: reason, now: now) else { continue }
                applyEngineIO(engineActions, sid: sid)
            case .scheduleTimer(let deadline):
                sessions[sid]?.socketIOTimerDeadline = deadline
                effects.append(.scheduleTimer(.socketIO, sid: sid, at: deadline))
            }
        }
    }

    /// Sends a Socket.IO packet text as an Engine.IO `message`.
    private mutating func sendMessage(_ text: String, sid: String) {
        guard let actions = sessions[sid]?.engineIO.send(.message(text), encodedByteCount: text.utf8.count + 1) else { return }
        applyEngineIO(actions, sid: sid)
    }

    /// Emits an event text (`2[...]`) to the session, only while it is connected to `/` (Spec DISCONNECT-1).
    private mutating func emit(_ text: String, sid: String) {
        guard let record = sessions[sid], record.socketIO.isConnected, !record.socketIO.isClosed else { return }
        sendMessage(text, sid: sid)
    }

    mutating func acknowledge(sid: String, session: SessionID, ackID: Int, with value: JSONValue) {
        guard sessions[sid]?.messengerID == session,
              let actions = sessions[sid]?.socketIO.acknowledge(ackID, with: [value])
        else { return }
        applySocketIO(actions, sid: sid)
    }

    /// Acknowledges `ackID` (if asked for) with `{"error": reason}`.
    private mutating func acknowledgeError(_ reason: String, sid: String, session: SessionID, ackID: Int?) {
        guard let ackID else { return }
        acknowledge(sid: sid, session: session, ackID: ackID, with: .object([JSONMember("error", .string(reason))]))
    }

    /// `join` (Spec JOIN-1..7), `send_message` (Spec EXT-1..3); other events are ignored (ROBUST-1).
    private mutating func handleEvent(_ name: String, arguments: [JSONValue], ackID: Int?, sid: String) {
        guard let record = sessions[sid] else { return }
        let messengerID = record.messengerID
        if case .refuse(let seconds) = admission.admitEvent(sid: sid, ip: record.remoteIP, now: time.monotonic) {
            effects.append(.logLimited(.warning, key: "event rate limit", "session \(sid) from \(record.remoteIP): event \(name) dropped, over the rate limit"))
            let reason = "too many events; slow down and retry in \(seconds) s"
            if name == "send_message" {
                metrics.refused(.rateLimited)
                acknowledgeError(reason, sid: sid, session: messengerID, ackID: ackID)
            } else {
                emit(MessengerEvents.error(reason), sid: sid)
            }
            return
        }
        switch name {
        case "join":
            guard admitsJoin(arguments, sid: sid) else { return }
            applyMessenger(messenger.join(messengerID, arguments: arguments))
        case "send_message":
            guard let joined = messenger.user(of: messengerID) else {
                acknowledgeError("join before send_message", sid: sid, session: messengerID, ackID: ackID)
                return
            }
            // With authentication the sender is the token's `sub` (a join binds no other name).
            let user = record.authenticatedSubject ?? joined
            switch postValidator.validateSendMessage(sender: user, argument: arguments.first) {
            case .failure(let refusal):
                metrics.refused(.invalid)
                acknowledgeError(refusal.reason, sid: sid, session: messengerID, ackID: ackID)
            case .success(let message):
                if let refusal = overloadRefusal() {
                    acknowledgeError(refusal, sid: sid, session: messengerID, ackID: ackID)
                    return
                }
                effects.append(submission(message, origin: .sendMessage(sid: sid, session: messengerID, ackID: ackID)))
            }
        default:
            break
        }
    }

    // MARK: Messenger

    mutating func applyMessenger(_ actions: [MessengerState.Action]) {
        var actions = actions
        if let messengerActions = configuration.hooks.messengerActions { actions = messengerActions(actions, messenger) }
        for action in actions {
            switch action {
            case .loadHistory(let session, let user, let token):
                effects.append(.loadHistory(session, user: user, token: token))
            case .emitAllMessages(let session, let user, let messages):
                guard let sid = sidByMessengerID[session] else { continue }
                emit(MessengerEvents.allMessages(for: user, messages: messages), sid: sid)
            case .emitNewMessage(let message, let sessions):
                if let delay = configuration.hooks.newMessageDelay {
                    effects.append(.emitNewMessageLater(message, to: sessions, after: delay))
                } else {
                    emitNewMessage(message, to: sessions)
                }
            case .emitError(let session, let message):
                guard let sid = sidByMessengerID[session] else { continue }
                emit(MessengerEvents.error(message), sid: sid)
            }
        }
    }

    /// Hot path: one text, one WebSocket frame, the same bytes to every WebSocket recipient.
    mutating func emitNewMessage(_ message: StoredMessage, to recipients: [SessionID]) {
        let text = MessengerEvents.newMessage(message)
        sharedFrame = (text, nil)
        for session in recipients {
            guard let sid = sidByMessengerID[session] else { continue }
            emit(text, sid: sid)
        }
        sharedFrame = nil
    }
}
