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
        heartbeatPeriod + context.timeout(.seconds(10))
    }

    // MARK: Opening

    /// Performs the handshake on `transport` and returns the session with its reader running.
    static func open(
        context: ScenarioContext, label: String, transport: TransportKind, autoPong: Bool
    ) async throws -> KitSession {
        let entryPoint = context.entryPoint(for: label)
        guard let address = KitServerAddress(baseURL: entryPoint) else {
            throw ScenarioInconclusive("the target URL '\(entryPoint)' is not http://host:port")
        }
        let timeout = context.timeout(.seconds(5))
        let trace = context.wireTrace
        switch transport {
        case .webSocket:
            let target = Self.target(transport: "websocket")
            trace.append(session: label, .sent, "GET \(target) (WebSocket upgrade)")
            let webSocket: KitWebSocket
            switch await KitWebSocket.open(address: address, target: target, timeout: timeout, answersEngineIOPings: autoPong) {
            case .success(let opened): webSocket = opened
            case .failure(.unreachable(let reason)):
                trace.append(session: label, .note, reason)
                throw ScenarioInconclusive("server unreachable: \(reason)")
            case .failure(let failure):
                trace.append(session: label, .note, failure.description)
                throw ScenarioFailure(
                    expected: ["HTTP 101 Switching Protocols to a WebSocket for GET \(target) (TRANSPORT-2)"], actual: failure.description)
            }
            trace.append(session: label, .received, "101 Switching Protocols")
            let first = await webSocket.receive(timeout: timeout)
            let expected = "an Engine.IO open packet 0{\"sid\":…,\"upgrades\":[…],\"pingInterval\":…,\"pingTimeout\":…,\"maxPayload\":…} as the first WebSocket message (TRANSPORT-5)"
            guard case .message(.text(let text)) = first else {
                webSocket.connection.close()
                throw ScenarioFailure(expected: [expected], actual: Self.describe(first))
            }
            trace.append(session: label, .received, KitFormat.truncated(text))
            guard case .open(let payload)? = try? EngineIOPacket.decode(text: text) else {
                webSocket.connection.close()
                let reason = Self.openFailureReason(text)
                throw ScenarioFailure(expected: [expected], actual: "'\(KitFormat.truncated(text, limit: 120))'\(reason)")
            }
            let session = KitSession(context: context, address: address, label: label, openPayload: payload, transport: .webSocket, autoPong: autoPong)
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
                throw ScenarioInconclusive("server unreachable: \(reason)")
            case .failure(.timedOut(let limit)):
                trace.append(session: label, .note, "no answer within \(KitFormat.duration(limit))")
                throw ScenarioInconclusive("the polling handshake got no answer within \(KitFormat.duration(limit))")
            case .failure(let failure):
                trace.append(session: label, .note, failure.description)
                throw ScenarioFailure(expected: ["an HTTP 200 answer to GET \(target) (TRANSPORT-3)"], actual: failure.description)
            }
            trace.append(session: label, .received, KitHTTPExchange.responseLine(response))
            let expected = "HTTP 200 whose body starts with an Engine.IO open packet 0{\"sid\":…} (TRANSPORT-3, TRANSPORT-5)"
            guard response.head.status == 200 else {
                throw ScenarioFailure(expected: [expected], actual: KitHTTPExchange.responseLine(response))
            }
            let packets: [EngineIOPacket]
            do {
                packets = try EngineIOPayload.decode(response.body, maxPayload: Int.max)
            } catch {
                throw ScenarioFailure(expected: [expected], actual: "a body that is no Engine.IO payload (\(error)): \(KitFormat.bytes(response.body, limit: 120))")
            }
            guard case .open(let payload)? = packets.first else {
                let text = String(decoding: response.body.prefix(120), as: UTF8.self)
                throw ScenarioFailure(expected: [expected], actual: "'\(text)'\(Self.openFailureReason(text))")
            }
            let session = KitSession(context: context, address: address, label: label, openPayload: payload, transport: .polling, autoPong: autoPong)
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
            violation("open packet \(name) is \(value), not a positive integer (TRANSPORT-5)")
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
                context.wireTrace.append(session: label, .received, "WebSocket close \(code.map(String.init) ?? "(no code)") \(reason)")
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
            context.wireTrace.append(session: label, .received, KitFormat.truncated(text))
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
                    context.wireTrace.append(session: label, .received, "poll: " + KitHTTPExchange.responseLine(response))
                    markClosed("a poll was answered \(response.head.status)")
                    return
                }
                do {
                    let packets = try EngineIOPayload.decode(response.body, maxPayload: Int.max)
                    for packet in packets { handle(packet, isPolling: true) }
                } catch {
                    context.wireTrace.append(session: label, .received, "poll: " + KitHTTPExchange.responseLine(response))
                    violation("a poll body that is no Engine.IO payload: \(error)")
                    markClosed("malformed poll body")
                    return
                }
            case .failure(let failure):
                if isClosed { return }
                context.wireTrace.append(session: label, .note, "poll: \(failure)")
                markClosed("a poll failed: \(failure)")
                return
            }
        }
    }

    // MARK: Upgrade

    /// Polling → WebSocket: `2probe` answered by `3probe`, polling paused, then `5` (Engine.IO v4 "Upgrade").
    public func upgradeToWebSocket() async throws {
        guard transport == .polling else { throw ScenarioInconclusive("\(label) is not on polling: nothing to upgrade") }
        let timeout = context.timeout(.seconds(5))
        guard openPayload.upgrades.contains("websocket") else {
            throw ScenarioFailure(
                expected: ["\"upgrades\" of the polling open packet lists \"websocket\" (TRANSPORT-4)"],
                actual: "upgrades \(openPayload.upgrades)")
        }
        guard await sendGate.next(timeout: timeout) != nil else { throw ScenarioInconclusive("\(label): a send did not finish within \(KitFormat.duration(timeout))") }
        defer { sendGate.push(()) }
        let target = Self.target(transport: "websocket", sid: openPayload.sid)
        context.wireTrace.append(session: label, .sent, "GET \(target) (WebSocket upgrade)")
        let webSocket: KitWebSocket
        switch await KitWebSocket.open(address: address, target: target, timeout: timeout, answersEngineIOPings: autoPong) {
        case .success(let opened): webSocket = opened
        case .failure(.unreachable(let reason)): throw ScenarioInconclusive("server unreachable: \(reason)")
        case .failure(let failure):
            context.wireTrace.append(session: label, .note, failure.description)
            throw ScenarioFailure(expected: ["HTTP 101 to the upgrade request GET \(target) (TRANSPORT-4)"], actual: failure.description)
        }
        context.wireTrace.append(session: label, .received, "101 Switching Protocols")
        context.wireTrace.append(session: label, .sent, "2probe")
        webSocket.sendText("2probe")
        let answer = await webSocket.receive(timeout: timeout)
        guard case .message(.text("3probe")) = answer else {
            webSocket.connection.close()
            throw ScenarioFailure(expected: ["3probe in answer to 2probe on the new WebSocket (TRANSPORT-4)"], actual: Self.describe(answer))
        }
        context.wireTrace.append(session: label, .received, "3probe")
        // Pause polling: no new GET, and wait for the one in flight (the server releases it with a noop).
        state.withLock { $0.isPollingPaused = true }
        if await pollLoopEnded.next(timeout: timeout) == nil, !pollLoopEnded.isClosed {
            violation("the pending poll was not released within \(KitFormat.duration(timeout)) of 3probe (the server should answer it, e.g. with a noop)")
        }
        context.wireTrace.append(session: label, .sent, "5")
        webSocket.sendText("5")
        let isClosed = state.withLock { state -> Bool in
            guard !state.isClosed else { return true }
            state.webSocket = webSocket
            state.transport = .webSocket
            return false
        }
        guard !isClosed else {
            webSocket.connection.close()
            throw ScenarioFailure(expected: ["the session stays open through the upgrade (TRANSPORT-4)"], actual: "closed: \(closeReason ?? "unknown")")
        }
        Task { await self.runWebSocketReader(webSocket) }
    }

    // MARK: Sending

    /// Sends Engine.IO packets on the current transport (one POST for polling), one sender at a time.
    func sendEngineIOPackets(_ packets: [EngineIOPacket]) async throws {
        try await withSendGate {
            for packet in packets { context.wireTrace.append(session: label, .sent, KitFormat.truncated(packet.encodedText())) }
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
            throw ScenarioFailure(expected: ["session \(label) still open"], actual: "it was closed: \(reason ?? "unknown")")
        }
        return transport == .webSocket ? webSocket : nil
    }

    /// Holds the send token around `body`.
    func withSendGate<Value>(_ body: () async throws -> Value) async throws -> Value {
        let timeout = context.timeout(.seconds(10))
        guard await sendGate.next(timeout: timeout) != nil else {
            if Task.isCancelled { throw CancellationError() }
            throw ScenarioInconclusive("\(label): the previous send did not finish within \(KitFormat.duration(timeout))")
        }
        defer { sendGate.push(()) }
        return try await body()
    }

    /// POSTs a polling body; returns the status. A non-200 answer closes the session (Engine.IO v4).
    func post(_ body: [UInt8]) async throws -> Int {
        var request = HTTPRequest(head: HTTPRequestHead(method: "POST", target: Self.target(transport: "polling", sid: openPayload.sid)), body: body)
        request.head.headers.add(name: "Content-Type", value: "text/plain;charset=UTF-8")
        switch await KitHTTPExchange.send(request, to: address, timeout: context.timeout(.seconds(5))) {
        case .success(let response):
            if response.head.status != 200 {
                context.wireTrace.append(session: label, .received, "post: " + KitHTTPExchange.responseLine(response))
                markClosed("a POST was answered \(response.head.status)")
            }
            return response.head.status
        case .failure(.unreachable(let reason)):
            markClosed("unreachable: \(reason)")
            throw ScenarioInconclusive("server unreachable: \(reason)")
        case .failure(let failure):
            context.wireTrace.append(session: label, .note, "post: \(failure)")
            throw ScenarioInconclusive("\(label): polling POST: \(failure)")
        }
    }
}
