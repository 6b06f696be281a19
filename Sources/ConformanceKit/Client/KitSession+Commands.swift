import WireCodecs

/// Raw sends, namespaces and closing.
extension KitSession {
    /// Sends one Socket.IO packet as an Engine.IO message.
    public func sendSocketIO(_ packet: SocketIOPacket) async throws {
        try await sendEngineIOPackets([.message(packet.encoded())])
    }

    /// Sends raw Engine.IO packet text on the current transport (a text frame, or a POST body).
    public func sendEngineIO(text: String) async throws {
        try await withSendGate {
            recorder.wireTrace.append(session: label, .sent, KitFormat.truncated(text))
            if let webSocket = try currentWebSocket() {
                webSocket.sendText(text)
            } else {
                _ = try await post(Array(text.utf8))
            }
        }
    }

    /// Sends raw bytes on the WebSocket (malformed frames); throws when the session is polling.
    public func sendWebSocketFrame(_ bytes: [UInt8]) async throws {
        try await withSendGate {
            guard let webSocket = try currentWebSocket() else {
                throw KitClientError.wrongTransport(reason: "\(label) is polling: it has no WebSocket to send a frame on")
            }
            recorder.wireTrace.append(session: label, .sent, "raw frame " + KitFormat.bytes(bytes, limit: 120))
            webSocket.sendRaw(bytes)
        }
    }

    /// POSTs a raw polling body; returns the status. Throws when the session is on WebSocket.
    public func sendPollingBody(_ bytes: [UInt8]) async throws -> Int {
        try await withSendGate {
            guard try currentWebSocket() == nil else {
                throw KitClientError.wrongTransport(reason: "\(label) is on WebSocket: it has no polling transport to POST on")
            }
            recorder.wireTrace.append(session: label, .sent, "POST body " + KitFormat.bytes(bytes, limit: 120))
            let status = try await post(bytes)
            recorder.wireTrace.append(session: label, .received, "POST answered \(status)")
            return status
        }
    }

    /// Sends CONNECT for `namespace` and returns the server's CONNECT or CONNECT_ERROR answer for it.
    ///
    /// Throws `KitClientError.noNamespaceAnswer` when none arrives within 5 s (scaled).
    public func connectNamespace(_ namespace: String, auth: JSONValue? = nil) async throws -> SocketIOPacket {
        try await sendSocketIO(.connect(namespace: namespace, data: auth))
        let timeout = settings.timeout(.seconds(5))
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let answer = await namespaceAnswers.next(timeout: remaining) else { break }
            if answer.namespace == namespace { return answer }
            violation("a \(answer.type) for namespace \(answer.namespace) while waiting for \(namespace)")
        }
        let closed = isClosed ? "the session closed (\(closeReason ?? "unknown"))" : "nothing within \(KitFormat.duration(timeout))"
        throw KitClientError.noNamespaceAnswer(namespace: namespace, actual: closed)
    }

    /// Connects to `/`, with a token for `user` when the run authenticates (Spec TRANSPORT-1, AUTH-2);
    /// throws `KitClientError.rootConnectRefused` unless the answer is CONNECT with a string `sid`. `token` replaces the freshly minted one.
    func connectRoot(as user: String, token: String? = nil, operation: OperationID?) async throws {
        let auth = settings.authentication.map { KitAuthentication.connectPayload(token ?? $0.token(for: user)) }
        let answer = try await connectNamespace("/", auth: auth)
        guard answer.type == .connect, answer.data?["sid"]?.stringValue != nil else {
            throw KitClientError.rootConnectRefused(
                user: user, isAuthenticated: auth != nil, isConnectError: answer.type == .connectError,
                answer: KitFormat.truncated(answer.encoded(), limit: 200), witnesses: operation.map { [$0] } ?? [])
        }
        state.withLock { $0.tokenUser = auth == nil ? nil : user }
    }

    /// Sends Socket.IO DISCONNECT for `/` (`41`); the transport stays open. Records a `disconnect`.
    public func disconnect() async throws {
        let operation = recorder.history.invoke(process: label, .disconnect, value: "socket.io disconnect")
        try await sendSocketIO(.disconnect())
        let now = recorder.clock.now()
        state.withLock { state in if state.clientClosedAt == nil { state.clientClosedAt = now } }
        recorder.history.ok(operation)
    }

    /// Closes the session: Engine.IO close packet, then the transport. Idempotent.
    public func close() async {
        guard !isClosed else { return }
        let operation = recorder.history.invoke(process: label, .disconnect, value: "close transport")
        let now = recorder.clock.now()
        state.withLock { state in
            state.isClosedByClient = true
            if state.clientClosedAt == nil { state.clientClosedAt = now }
        }
        let webSocket = state.withLock { $0.transport == .webSocket ? $0.webSocket : nil }
        if let webSocket {
            recorder.wireTrace.append(session: label, .sent, "1")
            webSocket.sendText("1")
            webSocket.close()
        } else {
            recorder.wireTrace.append(session: label, .sent, "1")
            let request = HTTPRequest(
                head: HTTPRequestHead(method: "POST", target: Self.target(transport: "polling", sid: openPayload.sid)), body: Array("1".utf8))
            _ = await KitHTTPExchange.send(request, to: address, timeout: settings.timeout(.seconds(2)))
        }
        let stray = state.withLock { $0.transport == .webSocket ? nil : $0.webSocket }
        stray?.connection.close()
        markClosed("closed by the client", byClient: true)
        recorder.history.ok(operation)
    }

    /// Waits until the session is closed (by the server, or already); true when it is.
    public func waitUntilClosed(timeout: Duration) async -> Bool {
        if isClosed { return true }
        _ = await closedSignal.next(timeout: timeout)
        return isClosed
    }

    /// Stops (false) or resumes (true) reading the WebSocket's socket, so the server's sends back up
    /// (Spec ROBUST-6). No effect on polling.
    public func setReading(_ isReading: Bool) {
        let webSocket = state.withLock { $0.webSocket }
        recorder.wireTrace.append(session: label, .note, isReading ? "resume reading" : "stop reading")
        webSocket?.connection.setReading(isReading)
    }
}
