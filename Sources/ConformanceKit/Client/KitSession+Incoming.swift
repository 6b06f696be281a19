import WireCodecs

/// What a session does with what the server sends (Engine.IO v4 "Packet types", Socket.IO v5
/// "Packet types").
extension KitSession {
    /// Notes a strictness finding and traces it.
    func violation(_ text: String) {
        state.withLock { $0.violations.append(text) }
        recorder.wireTrace.append(session: label, .note, "protocol violation: \(text)")
    }

    /// Marks the session closed (once), releasing every waiter.
    func markClosed(_ reason: String, byClient: Bool = false) {
        let now = recorder.clock.now()
        let isFirst = state.withLock { state -> Bool in
            guard !state.isClosed else { return false }
            state.isClosed = true
            state.closeReason = reason
            if byClient {
                state.isClosedByClient = true
                if state.clientClosedAt == nil { state.clientClosedAt = now }
            }
            return true
        }
        guard isFirst else { return }
        recorder.wireTrace.append(session: label, .note, "closed: \(reason)")
        let (webSocket, waiters) = state.withLock { ($0.webSocket, Array($0.ackWaiters.values)) }
        if !byClient { webSocket?.connection.close() }
        for waiter in waiters { waiter.close() }
        unconsumed.close()
        namespaceAnswers.close()
        closedSignal.close()
    }

    /// Handles one Engine.IO packet received on either transport; `isPongSent` when the kit's loop has
    /// already answered this ping on the WebSocket (`KitWebSocketInbound`).
    func handle(_ packet: EngineIOPacket, isPolling: Bool, isPongSent: Bool = false) {
        recorder.wireTrace.append(session: label, .received, KitFormat.truncated(packet.encodedText()))
        switch packet {
        case .open:
            violation("an Engine.IO open packet after the handshake")
        case .close:
            markClosed("the server sent an Engine.IO close packet")
        case .ping(let data):
            if !data.isEmpty { violation("an Engine.IO ping carrying data '\(KitFormat.truncated(data, limit: 40))' outside an upgrade") }
            let now = recorder.clock.now()
            state.withLock { state in
                state.pingsReceived += 1
                state.pingTimes.append(now)
            }
            if isPongSent {
                recorder.wireTrace.append(session: label, .sent, KitFormat.truncated(EngineIOPacket.pong(data).encodedText()))
            } else if autoPong && isPolling {
                // On polling the answer is a POST; on a WebSocket the loop answers, or no pong is due
                // (the server's close frame came first).
                Task { try? await self.sendEngineIOPackets([.pong(data)]) }
            }
        case .pong(let data):
            violation("an Engine.IO pong '3\(KitFormat.truncated(data, limit: 40))' from the server (v4 servers send pings, never pongs)")
        case .message(let text):
            handleSocketIO(text)
        case .binaryMessage(let bytes):
            violation("an unexpected binary Engine.IO message (\(bytes.count) bytes): the messenger protocol sends none")
        case .upgrade:
            violation("an Engine.IO upgrade packet (5) from the server")
        case .noop:
            // Meaningless on a WebSocket, but harmless: clients ignore it, and no Spec rule forbids it.
            if !isPolling { recorder.wireTrace.append(session: label, .note, "ignored: an Engine.IO noop (6) on the WebSocket") }
        }
    }

    private func handleSocketIO(_ text: String) {
        let packet: SocketIOPacket
        do {
            packet = try SocketIOPacket.decode(text)
        } catch {
            violation("a malformed Socket.IO packet '\(KitFormat.truncated(text, limit: 80))': \(error)")
            return
        }
        switch packet.type {
        case .connect:
            if packet.namespace == "/" {
                if let sid = packet.data?["sid"]?.stringValue {
                    state.withLock { $0.socketID = sid }
                } else {
                    violation("a CONNECT answer without a string sid: \(KitFormat.truncated(text, limit: 80))")
                }
            }
            namespaceAnswers.push(packet)
        case .connectError:
            namespaceAnswers.push(packet)
        case .disconnect:
            recorder.wireTrace.append(session: label, .note, "the server disconnected namespace \(packet.namespace)")
            if packet.namespace == "/" { state.withLock { $0.isRootDisconnectedByServer = true } }
        case .event:
            guard packet.namespace == "/" else {
                violation("an event on namespace \(packet.namespace), which was never connected")
                return
            }
            guard let name = packet.eventName else {
                violation("an EVENT packet without an event name: \(KitFormat.truncated(text, limit: 80))")
                return
            }
            let arguments = packet.eventArguments
            let time = recorder.clock.now()
            let operation = recorder.history.observe(process: label, .receive(event: name), value: Self.summary(arguments), at: time)
            let event = ReceivedEvent(name: name, arguments: arguments, time: time, operation: operation)
            state.withLock { $0.events.append(event) }
            unconsumed.push(event)
        case .ack:
            guard let ackID = packet.ackID, let waiter = state.withLock({ $0.ackWaiters[ackID] }) else {
                violation("an ACK for an id never sent: \(KitFormat.truncated(text, limit: 80))")
                return
            }
            waiter.push(packet.data?.arrayValue ?? [])
        case .binaryEvent, .binaryAck:
            violation("a binary Socket.IO packet: the messenger protocol sends none")
        }
    }
}
