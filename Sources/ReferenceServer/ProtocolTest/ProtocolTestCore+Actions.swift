import NetworkCore
import WireCodecs

/// Carrying out the state machines' actions for `ProtocolTestCore` (into `Work`), and the effects afterwards.
extension ProtocolTestCore {
    @discardableResult
    func openSession(
        _ application: Application, transport: EngineIOTransport, webSocket: (any WebSocketEndpoint)?, state: inout State, work: inout Work
    ) -> String {
        var sid = EngineIOSessionID.make()
        while state.sessions[sid] != nil { sid = EngineIOSessionID.make() }
        let (engineIO, engineActions) = EngineIOServerSession.open(
            sid: sid, transport: transport, configuration: engineIOConfiguration, now: work.now)
        let record = SessionRecord(engineIO: engineIO, application: application, webSocket: webSocket)
        state.sessions[sid] = record
        work.effects.append(.server(.log(.info, "session \(sid) opened (\(transport.rawValue), \(application))")))
        applyEngineIO(engineActions, sid: sid, state: &state, work: &work)
        if application == .socketIO, state.sessions[sid] != nil {
            // Namespace `/` runs the connect timeout from the handshake on; the others open on their CONNECT.
            let (socketIO, socketActions) = SocketIOServerSession.open(
                engineIOSessionID: sid, configuration: socketIOConfiguration, now: work.now)
            record.namespaces["/"] = socketIO
            applySocketIO(socketActions, namespace: "/", sid: sid, state: &state, work: &work)
        }
        return sid
    }

    func closeSessionNow(sid: String, reason: EngineIOCloseReason, state: inout State, work: inout Work) {
        guard let record = state.sessions.removeValue(forKey: sid) else { return }
        if let webSocket = record.webSocket {
            work.effects.append(.server(.closeWebSocket(WebSocketReference(webSocket), code: WebSocketCloseCode.goingAway)))
        }
        if let held = record.heldPoll {
            work.effects.append(.server(.respond(held, Self.pollResponse([.close], origin: held.origin))))
        }
        work.effects.append(.server(.log(.info, "session \(sid) closed: \(reason.rawValue)")))
    }

    static func pollResponse(_ packets: [EngineIOPacket], origin: RequestOrigin?) -> HTTPResponse {
        .withCORS(status: 200, contentType: "text/plain; charset=UTF-8", body: EngineIOPayload.encode(packets), origin: origin)
    }

    // MARK: Engine.IO

    func applyEngineIO(_ actions: [EngineIOServerAction], sid: String, state: inout State, work: inout Work) {
        for action in actions {
            guard let record = state.sessions[sid] else { return }
            switch action {
            case .respondToPoll(let packets):
                let target: PendingRequest?
                if let held = record.heldPoll {
                    record.heldPoll = nil
                    target = held
                } else {
                    target = work.currentRequest
                }
                if let target { work.effects.append(.server(.respond(target, Self.pollResponse(packets, origin: target.origin)))) }
            case .holdPoll:
                record.heldPoll = work.currentRequest
            case .acknowledgePost:
                if let request = work.currentRequest {
                    work.effects.append(.server(.respond(request, .withCORS(status: 200, contentType: "text/html", body: Array("ok".utf8), origin: request.origin))))
                }
            case .rejectRequest(let status):
                if let request = work.currentRequest {
                    work.effects.append(.server(.respond(request, .withCORS(status: status, contentType: nil, body: [], origin: request.origin))))
                }
            case .writeToWebSocket(let packet):
                if let webSocket = record.webSocket { work.effects.append(.server(.writeWebSocket(WebSocketReference(webSocket), Self.frame(for: packet)))) }
            case .closeWebSocket:
                if let webSocket = record.webSocket {
                    record.webSocket = nil
                    work.effects.append(.server(.closeWebSocket(WebSocketReference(webSocket), code: WebSocketCloseCode.normalClosure)))
                }
            case .rejectWebSocket:
                break  // handled by `webSocketOpened` before the actions are applied
            case .deliverToApplication(let packet):
                deliver(packet, record: record, sid: sid, state: &state, work: &work)
            case .scheduleTimer(let deadline):
                record.engineIOTimerDeadline = deadline
                work.effects.append(.scheduleTimer(sid: sid, namespace: nil, at: deadline))
            case .sessionClosed(let reason):
                closeSessionNow(sid: sid, reason: reason, state: &state, work: &work)
            }
        }
    }

    static func frame(for packet: EngineIOPacket) -> [UInt8] {
        var frame: [UInt8] = []
        if case .binaryMessage(let bytes) = packet {
            WebSocketFrame.appendBinary(bytes, to: &frame)
        } else {
            var payload: [UInt8] = []
            packet.appendEncodedText(to: &payload)
            WebSocketFrame.appendText(payload, to: &frame)
        }
        return frame
    }

    /// Sends one Engine.IO message (text or binary) on the session.
    func send(_ packet: EngineIOPacket, sid: String, state: inout State, work: inout Work) {
        let byteCount: Int
        switch packet {
        case .message(let text): byteCount = text.utf8.count + 1
        case .binaryMessage(let bytes): byteCount = bytes.count + 1
        default: byteCount = 1
        }
        guard let actions = state.sessions[sid]?.engineIO.send(packet, encodedByteCount: byteCount) else { return }
        applyEngineIO(actions, sid: sid, state: &state, work: &work)
    }

    // MARK: Applications

    private func deliver(_ packet: EngineIOPacket, record: SessionRecord, sid: String, state: inout State, work: inout Work) {
        switch (record.application, packet) {
        case (.echo, _):
            send(packet, sid: sid, state: &state, work: &work)
        case (.socketIO, .message(let text)):
            guard let decoded = try? SocketIOPacket.decode(text, limits: configuration.limits) else {
                let actions = record.namespaces["/"]?.onMalformedPacket(now: work.now) ?? []
                applySocketIO(actions, namespace: "/", sid: sid, state: &state, work: &work)
                return
            }
            let namespace = route(decoded, record: record)
            if (decoded.type == .binaryEvent || decoded.type == .binaryAck), decoded.attachmentCount > 0, record.attachmentTarget == nil {
                record.attachmentTarget = (namespace, decoded.attachmentCount)
            }
            let actions = record.namespaces[namespace]?.onPacket(decoded, now: work.now) ?? []
            applySocketIO(actions, namespace: namespace, sid: sid, state: &state, work: &work)
        case (.socketIO, .binaryMessage(let bytes)):
            let namespace = record.attachmentTarget?.namespace ?? "/"
            if let target = record.attachmentTarget {
                record.attachmentTarget = target.remaining > 1 ? (target.namespace, target.remaining - 1) : nil
            }
            let actions = record.namespaces[namespace]?.onBinaryAttachment(bytes, now: work.now) ?? []
            applySocketIO(actions, namespace: namespace, sid: sid, state: &state, work: &work)
        case (.socketIO, _):
            break
        }
    }

    /// The namespace session a packet goes to: its own namespace's (opened by a CONNECT to a namespace
    /// on offer), the one assembling a binary packet (plain text then is its parse error), else `/`'s,
    /// which refuses it as socket.io does (`Invalid namespace`, or closing for a packet out of order).
    private func route(_ packet: SocketIOPacket, record: SessionRecord) -> String {
        if let target = record.attachmentTarget { return target.namespace }
        if record.namespaces[packet.namespace] == nil, packet.type == .connect, namespaceNames.contains(packet.namespace) {
            var configuration = socketIOConfiguration
            configuration.namespace = packet.namespace
            // Its connect timeout is never run: the CONNECT that opens it is answered at once.
            record.namespaces[packet.namespace] = SocketIOServerSession.open(
                engineIOSessionID: record.engineIO.sid, configuration: configuration, now: .init(milliseconds: 0)).session
        }
        return record.namespaces[packet.namespace] == nil ? "/" : packet.namespace
    }

    func applySocketIO(_ actions: [SocketIOServerAction], namespace: String, sid: String, state: inout State, work: inout Work) {
        for action in actions {
            guard let record = state.sessions[sid] else { return }
            switch action {
            case .send(let packet):
                send(.message(packet.encoded()), sid: sid, state: &state, work: &work)
            case .sendAttachment(let bytes):
                send(.binaryMessage(bytes), sid: sid, state: &state, work: &work)
            case .connectRequested:
                break  // `requiresConnectApproval` is off
            case .connected(let socketID, let auth):
                work.effects.append(.server(.log(.debug, "session \(sid) connected to \(namespace) as \(socketID)")))
                work.effects.append(.emitAuthLater(sid: sid, namespace: namespace, auth: auth ?? .object([])))
            case .event(let name, let arguments, let ackID, let attachments):
                var actions: [SocketIOServerAction] = []
                if name == "message" {
                    actions = (try? record.namespaces[namespace]?.emit("message-back", arguments, attachments: attachments)) ?? []
                } else if name == "message-with-ack", let ackID {
                    actions = record.namespaces[namespace]?.acknowledge(ackID, with: arguments, attachments: attachments) ?? []
                }
                applySocketIO(actions, namespace: namespace, sid: sid, state: &state, work: &work)
            case .ack:
                break  // never asks for acknowledgements
            case .disconnected(let reason):
                work.effects.append(.server(.log(.debug, "session \(sid) disconnected from \(namespace): \(reason.rawValue)")))
            case .closeEngineIO(let reason):
                for other in Array(record.namespaces.keys) { _ = record.namespaces[other]?.onEngineIOClosed(reason: reason) }
                applyEngineIO(record.engineIO.close(reason: reason, now: work.now), sid: sid, state: &state, work: &work)
            case .scheduleTimer(let deadline):
                work.effects.append(.scheduleTimer(sid: sid, namespace: namespace, at: deadline))
            }
        }
    }

    /// Emits `auth` with the CONNECT payload, if the socket is still connected.
    func emitAuth(sid: String, namespace: String, auth: JSONValue, context: LoopContext) {
        var work = Work(now: now(context))
        state.withValue { state in
            guard let actions = try? state.sessions[sid]?.namespaces[namespace]?.emit("auth", [auth]) else { return }
            applySocketIO(actions, namespace: namespace, sid: sid, state: &state, work: &work)
        }
        perform(work.effects, context: context)
    }

    // MARK: Effects

    func perform(_ effects: [Effect], context: LoopContext) {
        for effect in effects {
            switch effect {
            case .server(let effect):
                _ = effect.performOnHandlers(logger: logger)
            case .scheduleTimer(let sid, let namespace, let deadline):
                context.scheduleTimer(at: clockOrigin.advanced(by: .milliseconds(deadline.milliseconds))) { [self] context in
                    timerFired(sid: sid, namespace: namespace, deadline: deadline, context: context)
                }
            case .emitAuthLater(let sid, let namespace, let auth):
                context.scheduleTimer(after: Self.authDelay) { [self] context in
                    emitAuth(sid: sid, namespace: namespace, auth: auth, context: context)
                }
            }
        }
    }
}
