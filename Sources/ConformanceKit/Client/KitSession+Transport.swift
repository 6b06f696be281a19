import WireCodecs

/// Opening, reading, sending and closing the Engine.IO transports (Engine.IO v4 "Transports",
/// "Handshake", "Upgrade"; Spec TRANSPORT-1..5).
extension KitSession {
    /// The Engine.IO request target for `transport` (`/socket.io/?EIO=4&transport=…[&sid=…]`).
    static func target(transport: String, sid: String? = nil) -> String {
        var target = "/socket.io/?EIO=4&transport=\(transport)"
        if let sid { target += "&sid=\(Self.percentEncoded(sid))" }
        return target
    }

    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// How long one poll may stay open before the kit gives up on it.
    var pollTimeout: Duration {
        heartbeatPeriod + settings.timeout(.seconds(10))
    }

    // MARK: Opening

    /// Performs the handshake on `transport` with the server at `address` and returns the session with
    /// its reader running; throws `KitClientError`.
    static func open(
        address: KitServerAddress, label: String, transport: TransportKind, autoPong: Bool,
        recorder: any KitRecorder, settings: KitClientSettings
    ) async throws -> KitSession {
        let timeout = settings.timeout(.seconds(5))
        let trace = recorder.wireTrace
        switch transport {
        case .webSocket:
            let target = Self.target(transport: "websocket")
            trace.append(session: label, .sent, "GET \(target) (WebSocket upgrade)")
            let webSocket: KitWebSocket
            switch await KitWebSocket.open(address: address, target: target, timeout: timeout, answersEngineIOPings: autoPong) {
            case .success(let opened): webSocket = opened
            case .failure(.unreachable(let reason)):
                trace.append(session: label, .note, reason)
                throw KitClientError.unreachable(reason: reason)
            case .failure(let failure):
                trace.append(session: label, .note, failure.description)
                throw KitClientError.webSocketRefused(target: target, actual: failure.description)
            }
            trace.append(session: label, .received, "101 Switching Protocols")
            let first = await webSocket.receive(timeout: timeout)
            guard case .message(.text(let text)) = first else {
                webSocket.connection.close()
                throw KitClientError.noOpenPacket(transport: .webSocket, actual: Self.describe(first))
            }
            trace.append(session: label, .received, KitFormat.truncated(text))
            guard case .open(let payload)? = try? EngineIOPacket.decode(text: text) else {
                webSocket.connection.close()
                let reason = Self.openFailureReason(text)
                throw KitClientError.noOpenPacket(transport: .webSocket, actual: "'\(KitFormat.truncated(text, limit: 120))'\(reason)")
            }
            let session = KitSession(
                recorder: recorder, settings: settings, address: address, label: label, openPayload: payload, transport: .webSocket, autoPong: autoPong)
            session.checkOpenPayload()
            session.state.withLock { $0.webSocket = webSocket }
            session.pollLoopEnded.close()
            Task { await session.runWebSocketReader(webSocket) }
            return session
        case .polling, .pollingUpgrade, .http:
            let target = Self.target(transport: "polling")
            let request = HTTPRequest(head: HTTPRequestHead(method: "GET", target: target))
            trace.append(session: label, .sent, "GET \(target)")
            let response: HTTPResponse
            switch await KitHTTPExchange.send(request, to: address, timeout: timeout) {
            case .success(let answer): response = answer
            case .failure(.unreachable(let reason)):
                trace.append(session: label, .note, reason)
                throw KitClientError.unreachable(reason: reason)
            case .failure(.timedOut(let limit)):
                trace.append(session: label, .note, "no answer within \(KitFormat.duration(limit))")
                throw KitClientError.pollingHandshakeTimedOut(limit: limit)
            case .failure(let failure):
                trace.append(session: label, .note, failure.description)
                throw KitClientError.pollingHandshakeFailed(target: target, actual: failure.description)
            }
            trace.append(session: label, .received, KitHTTPExchange.responseLine(response))
            guard response.head.status == 200 else {
                throw KitClientError.noOpenPacket(transport: .polling, actual: KitHTTPExchange.responseLine(response))
            }
            let packets: [EngineIOPacket]
            do {
                packets = try EngineIOPayload.decode(response.body, maxPayload: Int.max)
            } catch {
                throw KitClientError.noOpenPacket(
                    transport: .polling, actual: "a body that is no Engine.IO payload (\(error)): \(KitFormat.bytes(response.body, limit: 120))")
            }
            guard case .open(let payload)? = packets.first else {
                let text = String(decoding: response.body.prefix(120), as: UTF8.self)
                throw KitClientError.noOpenPacket(transport: .polling, actual: "'\(text)'\(Self.openFailureReason(text))")
            }
            let session = KitSession(
                recorder: recorder, settings: settings, address: address, label: label, openPayload: payload, transport: .polling, autoPong: autoPong)
            session.checkOpenPayload()
            for packet in packets.dropFirst() { session.handle(packet, isPolling: true) }
            Task { await session.runPollLoop() }
            if transport == .pollingUpgrade {
                do {
                    try await session.upgradeToWebSocket()
                } catch {
                    await session.close()
                    throw error
                }
            }
            return session
        }
    }

    private static func openFailureReason(_ text: String) -> String {
        guard text.hasPrefix("0") else { return "" }
        do {
            _ = try EngineIOOpenPayload.decode(json: String(text.dropFirst()))
            return ""
        } catch {
            return " (\(error))"
        }
    }

    private static func describe(_ received: KitWebSocket.Received) -> String {
        switch received {
        case .message(let message), .answered(let message): "\(message)"
        case .closed: "the connection closed"
        case .timedOut: "nothing"
        case .protocolError(let error): "an invalid WebSocket frame: \(error)"
        }
    }

    /// Notes open packet fields outside TRANSPORT-5 (positive integers).
    func checkOpenPayload() {
        let payload = openPayload
        for (name, value) in [("pingInterval", payload.pingInterval), ("pingTimeout", payload.pingTimeout), ("maxPayload", payload.maxPayload)]
        where value <= 0 {
            violation("open packet \(name) is \(value), not a positive integer")
        }
    }

    // MARK: Readers

    /// Reads the WebSocket until it closes. Pings were answered on the kit's loop already
    /// (`KitWebSocketInbound`); here they are recorded.
    func runWebSocketReader(_ webSocket: KitWebSocket) async {
        while true {
            switch await webSocket.receive(timeout: .seconds(3600)) {
            case .message(.text(let text)):
                handleWebSocketText(text, isPongSent: false)
            case .answered(.text(let text)):
                handleWebSocketText(text, isPongSent: true)
            case .message(.binary(let bytes)), .answered(.binary(let bytes)):
                handle(.binaryMessage(bytes), isPolling: false)
            case .message(.ping), .answered(.ping), .message(.pong), .answered(.pong):
                // WebSocket pings are answered on the loop (or not at all after the server's close frame).
                break
            case .message(.close(let code, let reason)), .answered(.close(let code, let reason)):
                recorder.wireTrace.append(session: label, .received, "WebSocket close \(code.map(String.init) ?? "(no code)") \(reason)")
                let isByClient = state.withLock { $0.isClosedByClient }
                if !isByClient { webSocket.close() }
                markClosed("the server closed the WebSocket (\(code.map(String.init) ?? "no code"))")
                return
            case .closed:
                markClosed("the server closed the connection")
                return
            case .timedOut:
                if isClosed { return }
            case .protocolError(let error):
                violation("an invalid WebSocket frame from the server: \(error)")
                markClosed("invalid WebSocket frame from the server")
                return
            }
        }
    }

    private func handleWebSocketText(_ text: String, isPongSent: Bool) {
        do {
            handle(try EngineIOPacket.decode(text: text), isPolling: false, isPongSent: isPongSent)
        } catch {
            recorder.wireTrace.append(session: label, .received, KitFormat.truncated(text))
            violation("a malformed Engine.IO packet '\(KitFormat.truncated(text, limit: 80))': \(error)")
        }
    }

    /// Polls until the session closes or upgrades. Pings that come in a poll are answered by a POST
    /// from the cooperative pool (the poll itself is async I/O), unlike WebSocket pings.
    func runPollLoop() async {
        defer {
            state.withLock { $0.isPollInFlight = false }
            pollLoopEnded.close()
        }
        while true {
            let shouldStop = state.withLock { state -> Bool in
                if state.isClosed || state.isPollingPaused { return true }
                state.isPollInFlight = true
                return false
            }
            if shouldStop { return }
            let request = HTTPRequest(head: HTTPRequestHead(method: "GET", target: Self.target(transport: "polling", sid: openPayload.sid)))
            let result = await KitHTTPExchange.send(request, to: address, timeout: pollTimeout)
            state.withLock { $0.isPollInFlight = false }
            switch result {
            case .success(let response):
                guard response.head.status == 200 else {
                    recorder.wireTrace.append(session: label, .received, "poll: " + KitHTTPExchange.responseLine(response))
                    markClosed("a poll was answered \(response.head.status)")
                    return
                }
                do {
                    let packets = try EngineIOPayload.decode(response.body, maxPayload: Int.max)
                    for packet in packets { handle(packet, isPolling: true) }
                } catch {
                    recorder.wireTrace.append(session: label, .received, "poll: " + KitHTTPExchange.responseLine(response))
                    violation("a poll body that is no Engine.IO payload: \(error)")
                    markClosed("malformed poll body")
                    return
                }
            case .failure(let failure):
                if isClosed { return }
                recorder.wireTrace.append(session: label, .note, "poll: \(failure)")
                markClosed("a poll failed: \(failure)")
                return
            }
        }
    }

    // MARK: Upgrade

    /// Polling → WebSocket: `2probe` answered by `3probe`, polling paused, then `5` (Engine.IO v4 "Upgrade").
    public func upgradeToWebSocket() async throws {
        guard transport == .polling else { throw KitClientError.wrongTransport(reason: "\(label) is not on polling: nothing to upgrade") }
        let timeout = settings.timeout(.seconds(5))
        guard openPayload.upgrades.contains("websocket") else { throw KitClientError.upgradeNotOffered(upgrades: openPayload.upgrades) }
        guard await sendGate.next(timeout: timeout) != nil else { throw KitClientError.sendStalled(session: label, limit: timeout) }
        defer { sendGate.push(()) }
        let target = Self.target(transport: "websocket", sid: openPayload.sid)
        recorder.wireTrace.append(session: label, .sent, "GET \(target) (WebSocket upgrade)")
        let webSocket: KitWebSocket
        switch await KitWebSocket.open(address: address, target: target, timeout: timeout, answersEngineIOPings: autoPong) {
        case .success(let opened): webSocket = opened
        case .failure(.unreachable(let reason)): throw KitClientError.unreachable(reason: reason)
        case .failure(let failure):
            recorder.wireTrace.append(session: label, .note, failure.description)
            throw KitClientError.upgradeRefused(target: target, actual: failure.description)
        }
        recorder.wireTrace.append(session: label, .received, "101 Switching Protocols")
        recorder.wireTrace.append(session: label, .sent, "2probe")
        webSocket.sendText("2probe")
        let answer = await webSocket.receive(timeout: timeout)
        guard case .message(.text("3probe")) = answer else {
            webSocket.connection.close()
            throw KitClientError.probeUnanswered(actual: Self.describe(answer))
        }
        recorder.wireTrace.append(session: label, .received, "3probe")
        // Pause polling: no new GET, and wait for the one in flight (the server releases it with a noop).
        state.withLock { $0.isPollingPaused = true }
        if await pollLoopEnded.next(timeout: timeout) == nil, !pollLoopEnded.isClosed {
            violation("the pending poll was not released within \(KitFormat.duration(timeout)) of 3probe (the server should answer it, e.g. with a noop)")
        }
        recorder.wireTrace.append(session: label, .sent, "5")
        webSocket.sendText("5")
        let isClosed = state.withLock { state -> Bool in
            guard !state.isClosed else { return true }
            state.webSocket = webSocket
            state.transport = .webSocket
            return false
        }
        guard !isClosed else {
            webSocket.connection.close()
            throw KitClientError.closedDuringUpgrade(reason: closeReason ?? "unknown")
        }
        Task { await self.runWebSocketReader(webSocket) }
    }

    // MARK: Sending

    /// Sends Engine.IO packets on the current transport (one POST for polling), one sender at a time.
    func sendEngineIOPackets(_ packets: [EngineIOPacket]) async throws {
        try await withSendGate {
            for packet in packets { recorder.wireTrace.append(session: label, .sent, KitFormat.truncated(packet.encodedText())) }
            if let webSocket = try currentWebSocket() {
                for packet in packets {
                    if case .binaryMessage(let bytes) = packet { webSocket.sendBinary(bytes) } else { webSocket.sendText(packet.encodedText()) }
                }
            } else {
                _ = try await post(EngineIOPayload.encode(packets))
            }
        }
    }

    /// The WebSocket when the session is on it, nil when polling; throws when the session is closed.
    func currentWebSocket() throws -> KitWebSocket? {
        let (isClosed, reason, webSocket, transport) = state.withLock { ($0.isClosed, $0.closeReason, $0.webSocket, $0.transport) }
        guard !isClosed else {
            throw KitClientError.sessionClosed(session: label, reason: reason ?? "unknown")
        }
        return transport == .webSocket ? webSocket : nil
    }

    /// Holds the send token around `body`.
    func withSendGate<Value>(_ body: () async throws -> Value) async throws -> Value {
        let timeout = settings.timeout(.seconds(10))
        guard await sendGate.next(timeout: timeout) != nil else {
            if Task.isCancelled { throw CancellationError() }
            throw KitClientError.sendStalled(session: label, limit: timeout)
        }
        defer { sendGate.push(()) }
        return try await body()
    }

    /// POSTs a polling body; returns the status. A non-200 answer closes the session (Engine.IO v4).
    func post(_ body: [UInt8]) async throws -> Int {
        var request = HTTPRequest(head: HTTPRequestHead(method: "POST", target: Self.target(transport: "polling", sid: openPayload.sid)), body: body)
        request.head.headers.add(name: "Content-Type", value: "text/plain;charset=UTF-8")
        switch await KitHTTPExchange.send(request, to: address, timeout: settings.timeout(.seconds(5))) {
        case .success(let response):
            if response.head.status != 200 {
                recorder.wireTrace.append(session: label, .received, "post: " + KitHTTPExchange.responseLine(response))
                markClosed("a POST was answered \(response.head.status)")
            }
            return response.head.status
        case .failure(.unreachable(let reason)):
            markClosed("unreachable: \(reason)")
            throw KitClientError.unreachable(reason: reason)
        case .failure(let failure):
            recorder.wireTrace.append(session: label, .note, "post: \(failure)")
            throw KitClientError.pollingPostFailed(session: label, failure: "\(failure)")
        }
    }
}
