import MessageStore
import NetworkCore
import WireCodecs

/// Carrying out the actions of `EngineIOServerSession`, `SocketIOServerSession` and `MessengerState`.
///
/// These run under the state lock and only record `Effect`s; `perform` carries them out afterwards.
extension ServerCore {
    /// I/O to do once the state lock is released, in order.
    enum Effect {
        /// Answer an HTTP request (through its connection's `HTTPConnectionHandler`, in request order).
        case respond(PendingRequest, HTTPResponse)
        /// Answer a committed `POST /messages` with its `201` (prebuilt bytes on the hot path).
        case respondCreated(PendingRequest, StoredMessage)
        /// Write WebSocket frame bytes (the same array may go to many connections).
        case writeWebSocket(ConnectionID, [UInt8])
        /// Send a close frame and close the WebSocket once flushed.
        case closeWebSocket(ConnectionID, code: UInt16)
        case loadHistory(SessionID, user: String, token: UInt64)
        case submit(NewMessage, CommitOrigin)
        case scheduleTimer(TimerLayer, sid: String, at: EngineIOInstant)
        /// Emit `new_message` for a message after a delay (`ServerHooks.newMessageDelay` only).
        case emitNewMessageLater(StoredMessage, to: [SessionID], after: Duration)
        case log(LogLevel, String)
        /// A line of a kind that may repeat: rate-limited by `key` (`ServerLogger.log(_:key:_:)`).
        case logLimited(LogLevel, key: String, String)
    }

    /// The effects being collected and what the current input is about.
    struct Work {
        var effects: [Effect] = []
        let now: EngineIOInstant
        /// The HTTP request being handled (for `respondToPoll` without a held poll, `holdPoll`,
        /// `acknowledgePost`, `rejectRequest`).
        var currentRequest: PendingRequest?
        /// Set when the current GET became the session's held poll.
        var heldPollSID: String?
        /// A `new_message` text and its WebSocket frame, encoded once for every recipient.
        var sharedFrame: (text: String, frame: [UInt8]?)?

        init(now: EngineIOInstant, currentRequest: PendingRequest? = nil) {
            self.now = now
            self.currentRequest = currentRequest
        }
    }

    // MARK: Sessions

    /// Opens an Engine.IO session with its Socket.IO layer (Engine.IO v4 "Handshake").
    @discardableResult
    func openSession(transport: EngineIOTransport, webSocket: ConnectionID?, remoteIP: String, state: inout State, work: inout Work) -> String {
        var sid = configuration.sessionIDPrefix + EngineIOSessionID.make()
        while state.sessions[sid] != nil { sid = configuration.sessionIDPrefix + EngineIOSessionID.make() }
        let (engineIO, engineActions) = EngineIOServerSession.open(
            sid: sid, transport: transport, configuration: engineIOConfiguration, now: work.now)
        let (socketIO, socketActions) = SocketIOServerSession.open(
            engineIOSessionID: sid, configuration: socketIOConfiguration, now: work.now)
        let messengerID = SessionID(state.nextMessengerID)
        state.nextMessengerID += 1
        state.sessions[sid] = SessionRecord(
            engineIO: engineIO, socketIO: socketIO, messengerID: messengerID, webSocket: webSocket, remoteIP: remoteIP)
        state.sidByMessengerID[messengerID] = sid
        metrics.withValue { $0.sessionsOpened += 1 }
        work.effects.append(.log(.debug, "session \(sid) opened (\(transport.rawValue))"))
        applyEngineIO(engineActions, sid: sid, state: &state, work: &work)
        applySocketIO(socketActions, sid: sid, state: &state, work: &work)
        return sid
    }

    /// Forgets a session at once (what `.sessionClosed` does), closing its WebSocket if any.
    func closeSessionNow(sid: String, reason: EngineIOCloseReason, state: inout State, work: inout Work) {
        guard let record = state.sessions.removeValue(forKey: sid) else { return }
        admission.withValue { $0.sessionClosed(sid: sid) }
        state.sidByMessengerID[record.messengerID] = nil
        _ = record.socketIO.onEngineIOClosed(reason: reason)
        state.messenger.sessionClosed(record.messengerID)
        if let webSocket = record.webSocket {
            work.effects.append(.closeWebSocket(webSocket, code: WebSocketCloseCode.goingAway))
        }
        if let held = record.heldPoll {
            work.effects.append(.respond(held, pollResponse([.close], origin: held.origin)))
        }
        metrics.withValue { $0.sessionsClosed += 1 }
        work.effects.append(.log(.debug, "session \(sid) closed: \(reason.rawValue)"))
    }

    func pollResponse(_ packets: [EngineIOPacket], origin: RequestOrigin?) -> HTTPResponse {
        .withCORS(status: 200, contentType: "text/plain; charset=UTF-8", body: EngineIOPayload.encode(packets), origin: origin)
    }

    // MARK: Engine.IO

    func applyEngineIO(_ actions: [EngineIOServerAction], sid: String, state: inout State, work: inout Work) {
        let hooks = configuration.hooks
        var actions = actions
        if let engineIOActions = hooks.engineIOActions { actions = engineIOActions(sid, actions) }
        for action in actions {
            switch action {
            case .respondToPoll(var packets):
                if let outgoing = hooks.outgoingEngineIO { packets = packets.flatMap { outgoing(sid, $0) } }
                let target: PendingRequest?
                if let held = state.sessions[sid]?.heldPoll {
                    state.sessions[sid]?.heldPoll = nil
                    target = held
                } else {
                    target = work.currentRequest
                    if work.heldPollSID == sid { work.heldPollSID = nil }
                }
                if let target {
                    work.effects.append(.respond(target, pollResponse(packets, origin: target.origin)))
                }
            case .holdPoll:
                state.sessions[sid]?.heldPoll = work.currentRequest
                work.heldPollSID = sid
            case .acknowledgePost:
                if let request = work.currentRequest {
                    let response = HTTPResponse.withCORS(
                        status: 200, contentType: "text/html", body: Array("ok".utf8), origin: request.origin)
                    work.effects.append(.respond(request, response))
                }
            case .rejectRequest(let status):
                if let request = work.currentRequest {
                    work.effects.append(.respond(request, .withCORS(status: status, contentType: nil, body: [], origin: request.origin)))
                }
            case .writeToWebSocket(let packet):
                guard let webSocket = state.sessions[sid]?.webSocket else { continue }
                if let outgoing = hooks.outgoingEngineIO {
                    for rewritten in outgoing(sid, packet) {
                        work.effects.append(.writeWebSocket(webSocket, frame(for: rewritten, work: &work)))
                    }
                } else {
                    work.effects.append(.writeWebSocket(webSocket, frame(for: packet, work: &work)))
                }
            case .closeWebSocket:
                if let webSocket = state.sessions[sid]?.webSocket {
                    state.sessions[sid]?.webSocket = nil
                    work.effects.append(.closeWebSocket(webSocket, code: WebSocketCloseCode.normalClosure))
                }
            case .rejectWebSocket:
                break  // handled by `webSocketAttached` before the actions are applied
            case .deliverToApplication(let packet):
                deliverToSocketIO(packet, sid: sid, state: &state, work: &work)
            case .scheduleTimer(let deadline):
                state.sessions[sid]?.engineIOTimerDeadline = deadline
                work.effects.append(.scheduleTimer(.engineIO, sid: sid, at: deadline))
            case .sessionClosed(let reason):
                closeSessionNow(sid: sid, reason: reason, state: &state, work: &work)
            }
        }
    }

    /// The WebSocket frame of one Engine.IO packet; a shared `new_message` frame is encoded once.
    private func frame(for packet: EngineIOPacket, work: inout Work) -> [UInt8] {
        if case .message(let text) = packet, let shared = work.sharedFrame, shared.text == text {
            if let frame = shared.frame { return frame }
            let frame = Self.textFrame(for: packet)
            work.sharedFrame = (text, frame)
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

    private static func textFrame(for packet: EngineIOPacket) -> [UInt8] {
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

    private func deliverToSocketIO(_ packet: EngineIOPacket, sid: String, state: inout State, work: inout Work) {
        let actions: [SocketIOServerAction]?
        switch packet {
        case .message(let text):
            do {
                let decoded = try SocketIOPacket.decode(text, limits: configuration.limits)
                actions = state.sessions[sid]?.socketIO.onPacket(decoded, now: work.now)
            } catch {
                work.effects.append(.logLimited(.warning, key: "malformed socket.io packet", "session \(sid): malformed socket.io packet: \(error)"))
                actions = state.sessions[sid]?.socketIO.onMalformedPacket(now: work.now)
            }
        case .binaryMessage(let bytes):
            actions = state.sessions[sid]?.socketIO.onBinaryAttachment(bytes, now: work.now)
        default:
            actions = nil
        }
        if let actions { applySocketIO(actions, sid: sid, state: &state, work: &work) }
    }

    func applySocketIO(_ actions: [SocketIOServerAction], sid: String, state: inout State, work: inout Work) {
        for action in actions {
            switch action {
            case .send(let packet):
                sendMessage(packet.encoded(), sid: sid, state: &state, work: &work)
            case .sendAttachment:
                break  // The messenger emits no binary events.
            case .connectRequested(let auth):
                connectRequested(auth: auth, sid: sid, state: &state, work: &work)
            case .connected(let socketID, _):
                guard let messengerID = state.sessions[sid]?.messengerID else { continue }
                state.messenger.sessionOpened(messengerID)
                work.effects.append(.log(.debug, "session \(sid) connected to / as \(socketID)"))
            case .event(let name, let arguments, let ackID, _):
                handleEvent(name, arguments: arguments, ackID: ackID, sid: sid, state: &state, work: &work)
            case .ack:
                break  // The server never asks for acknowledgements.
            case .disconnected(let reason):
                if let messengerID = state.sessions[sid]?.messengerID { state.messenger.sessionClosed(messengerID) }
                work.effects.append(.log(.debug, "session \(sid) disconnected from /: \(reason.rawValue)"))
            case .closeEngineIO(let reason):
                guard let engineActions = state.sessions[sid]?.engineIO.close(reason: reason, now: work.now) else { continue }
                applyEngineIO(engineActions, sid: sid, state: &state, work: &work)
            case .scheduleTimer(let deadline):
                state.sessions[sid]?.socketIOTimerDeadline = deadline
                work.effects.append(.scheduleTimer(.socketIO, sid: sid, at: deadline))
            }
        }
    }

    /// Sends a Socket.IO packet text as an Engine.IO `message`.
    private func sendMessage(_ text: String, sid: String, state: inout State, work: inout Work) {
        guard let actions = state.sessions[sid]?.engineIO.send(.message(text), encodedByteCount: text.utf8.count + 1) else { return }
        applyEngineIO(actions, sid: sid, state: &state, work: &work)
    }

    /// Emits an event text (`2[...]`) to the session, only while it is connected to `/` (Spec DISCONNECT-1).
    private func emit(_ text: String, sid: String, state: inout State, work: inout Work) {
        guard let record = state.sessions[sid], record.socketIO.isConnected, !record.socketIO.isClosed else { return }
        sendMessage(text, sid: sid, state: &state, work: &work)
    }

    func acknowledge(sid: String, session: SessionID, ackID: Int, with value: JSONValue, state: inout State, work: inout Work) {
        guard state.sessions[sid]?.messengerID == session,
              let actions = state.sessions[sid]?.socketIO.acknowledge(ackID, with: [value])
        else { return }
        applySocketIO(actions, sid: sid, state: &state, work: &work)
    }

    /// `join` (Spec JOIN-1..7), `send_message` (Spec EXT-1..3); other events are ignored (ROBUST-1).
    private func handleEvent(_ name: String, arguments: [JSONValue], ackID: Int?, sid: String, state: inout State, work: inout Work) {
        guard let record = state.sessions[sid] else { return }
        let messengerID = record.messengerID
        let verdict = admission.withValue { $0.admitEvent(sid: sid, ip: record.remoteIP, now: loopInstant(work.now)) }
        if case .refuse(let seconds) = verdict {
            work.effects.append(.logLimited(.warning, key: "event rate limit", "session \(sid) from \(record.remoteIP): event \(name) dropped, over the rate limit"))
            let reason = "too many events; slow down and retry in \(seconds) s"
            if name == "send_message" {
                metrics.withValue { $0.refused(.rateLimited) }
                if let ackID {
                    let value = JSONValue.object([JSONMember("error", .string(reason))])
                    acknowledge(sid: sid, session: messengerID, ackID: ackID, with: value, state: &state, work: &work)
                }
            } else {
                emit(MessengerEvents.error(reason), sid: sid, state: &state, work: &work)
            }
            return
        }
        switch name {
        case "join":
            guard admitsJoin(arguments, sid: sid, state: &state, work: &work) else { return }
            applyMessenger(state.messenger.join(messengerID, arguments: arguments), state: &state, work: &work)
        case "send_message":
            guard let joined = state.messenger.user(of: messengerID) else {
                if let ackID {
                    let value = JSONValue.object([JSONMember("error", .string("join before send_message"))])
                    acknowledge(sid: sid, session: messengerID, ackID: ackID, with: value, state: &state, work: &work)
                }
                return
            }
            // With authentication the sender is the token's `sub` (a join binds no other name).
            let user = state.sessions[sid]?.authenticatedSubject ?? joined
            switch postValidator.validateSendMessage(sender: user, argument: arguments.first) {
            case .failure(let refusal):
                metrics.withValue { $0.refused(.invalid) }
                if let ackID {
                    let value = JSONValue.object([JSONMember("error", .string(refusal.reason))])
                    acknowledge(sid: sid, session: messengerID, ackID: ackID, with: value, state: &state, work: &work)
                }
            case .success(let message):
                if let refusal = overloadRefusal() {
                    if let ackID {
                        let value = JSONValue.object([JSONMember("error", .string(refusal))])
                        acknowledge(sid: sid, session: messengerID, ackID: ackID, with: value, state: &state, work: &work)
                    }
                    return
                }
                work.effects.append(.submit(message, .sendMessage(sid: sid, session: messengerID, ackID: ackID)))
            }
        default:
            break
        }
    }

    // MARK: Messenger

    func applyMessenger(_ actions: [MessengerState.Action], state: inout State, work: inout Work) {
        var actions = actions
        if let messengerActions = configuration.hooks.messengerActions { actions = messengerActions(actions, state.messenger) }
        for action in actions {
            switch action {
            case .loadHistory(let session, let user, let token):
                work.effects.append(.loadHistory(session, user: user, token: token))
            case .emitAllMessages(let session, let user, let messages):
                guard let sid = state.sidByMessengerID[session] else { continue }
                emit(MessengerEvents.allMessages(for: user, messages: messages), sid: sid, state: &state, work: &work)
            case .emitNewMessage(let message, let sessions):
                if let delay = configuration.hooks.newMessageDelay {
                    work.effects.append(.emitNewMessageLater(message, to: sessions, after: delay))
                } else {
                    emitNewMessage(message, to: sessions, state: &state, work: &work)
                }
            case .emitError(let session, let message):
                guard let sid = state.sidByMessengerID[session] else { continue }
                emit(MessengerEvents.error(message), sid: sid, state: &state, work: &work)
            }
        }
    }

    /// Hot path: one text, one WebSocket frame, the same bytes to every WebSocket recipient.
    func emitNewMessage(_ message: StoredMessage, to sessions: [SessionID], state: inout State, work: inout Work) {
        let text = MessengerEvents.newMessage(message)
        work.sharedFrame = (text, nil)
        for session in sessions {
            guard let sid = state.sidByMessengerID[session] else { continue }
            emit(text, sid: sid, state: &state, work: &work)
        }
        work.sharedFrame = nil
    }

    // MARK: Effects

    /// Carries out effects on the loop, outside the state lock.
    func perform(_ effects: [Effect], context: LoopContext) {
        var hasSubmitted = false
        for effect in effects {
            switch effect {
            case .respond(let request, let response):
                (context.connection(request.connection)?.handler as? HTTPConnectionHandler)?
                    .complete(sequence: request.sequence, response: response)
            case .respondCreated(let request, let message):
                (context.connection(request.connection)?.handler as? HTTPConnectionHandler)?
                    .completeCreated(sequence: request.sequence, message: message, origin: request.origin)
            case .writeWebSocket(let id, let bytes):
                context.connection(id)?.write(bytes)
            case .closeWebSocket(let id, let code):
                guard let connection = context.connection(id) else { continue }
                if let handler = connection.handler as? WebSocketConnectionHandler {
                    handler.close(connection, code: code)
                } else {
                    connection.closeAfterFlush()
                }
            case .loadHistory(let session, let user, let token):
                guard let store else { continue }
                let loop = self.loop
                store.history(for: user) { [self] result in
                    loop.execute { context in
                        self.historyLoaded(session: session, token: token, result: result, context: context)
                    }
                }
            case .submit(let message, let origin):
                guard let store else { continue }
                hasSubmitted = true
                let submittedAt = context.now
                metrics.withValue { $0.pendingCommits += 1 }
                store.submit(message) { [self] result in
                    // On the loop (`deliverCompletions` hops there; a closed writer answers at once, here);
                    // a loop already shut down has no one left to answer.
                    guard loop.isInLoopThread else { return }
                    commitInbox.value.append((origin, result, submittedAt))
                }
            case .scheduleTimer(let layer, let sid, let deadline):
                context.scheduleTimer(at: loopInstant(deadline)) { [self] context in
                    timerFired(layer, sid: sid, deadline: deadline, context: context)
                }
            case .emitNewMessageLater(let message, let sessions, let delay):
                context.scheduleTimer(after: delay) { [self] context in
                    var work = Work(now: now(context))
                    state.withValue { state in emitNewMessage(message, to: sessions, state: &state, work: &work) }
                    perform(work.effects, context: context)
                }
            case .log(let level, let message):
                logger.log(level, message)
            case .logLimited(let level, let key, let message):
                logger.log(level, key: key, message)
            }
        }
        // A closed writer completes at once, on this thread: answer those now.
        if hasSubmitted, store?.isWriterClosed == true {
            processCommitted(context: context)
        }
    }
}
