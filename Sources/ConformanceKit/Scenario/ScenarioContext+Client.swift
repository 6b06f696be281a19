import WireCodecs

/// The kit's client: sessions, `POST /messages`, any HTTP request, raw TCP (Spec §1, §2).
extension ScenarioContext {
    /// Opens a session and, unless `connectNamespace` is false, connects to `/` (Spec TRANSPORT-1..4).
    ///
    /// `.webSocket`: WebSocket from the first request; `.polling`: long-polling only, never upgrades;
    /// `.pollingUpgrade`: polling, then the upgrade dance, returning once upgraded. Records a `connect`
    /// operation; traces every packet under `label`; registers a teardown closing the session.
    /// Throws `ScenarioFailure` when the server answers wrongly, `ScenarioInconclusive` when it is
    /// unreachable (the session's `KitClientError`s read as findings). With `authentication`, the CONNECT carries a token for `user` (a fresh user when
    /// nil; `join` reconnects with a token for the user it joins when that differs, Spec AUTH-5).
    public func connect(
        _ label: String, transport: TransportKind = .webSocket, autoPong: Bool = true, connectNamespace: Bool = true, user: String? = nil
    ) async throws -> KitSession {
        let operation = history.invoke(process: label, .connect, value: transport.rawValue)
        let session: KitSession
        do {
            let entryPoint = entryPoint(for: label)
            guard let address = KitServerAddress(baseURL: entryPoint) else {
                throw ScenarioInconclusive("the target URL '\(entryPoint)' is not http://host:port")
            }
            session = try await KitSession.open(
                address: address, label: label, transport: transport, autoPong: autoPong, recorder: self, settings: clientSettings)
        } catch let error as KitClientError {
            switch error.finding {
            case let failure as ScenarioFailure:
                history.fail(operation, result: failure.actual)
                throw ScenarioFailure(expected: failure.expected, actual: failure.actual, witnesses: failure.witnesses + [operation])
            case let finding:
                history.info(operation, result: "\(finding)")
                throw finding
            }
        } catch {
            history.info(operation, result: "\(error)")
            throw error
        }
        addTeardown { await session.close() }
        history.ok(operation, result: "sid \(session.openPayload.sid)")
        guard connectNamespace else { return session }
        do {
            try await session.connectRoot(as: user ?? uniqueUser("connect"), operation: operation)
        } catch let error as KitClientError {
            throw error.finding
        }
        return session
    }

    /// `Authorization: Bearer <token for sender>` when the run authenticates (Spec AUTH-7).
    func bearerHeaders(for sender: String) -> [(String, String)] {
        guard let authentication else { return [] }
        return [("Authorization", "Bearer " + authentication.token(for: sender.isEmpty ? uniqueUser("sender") : sender))]
    }

    /// `POST /messages {sender, receiver, content}`; records a `post` operation: ok on 201, fail on
    /// 4xx, info on no answer. Never throws for an HTTP status; throws `ScenarioInconclusive` only when
    /// the server cannot be reached at all (nothing was sent).
    public func post(sender: String, receiver: String, content: String) async throws -> PostResult {
        let body: JSONValue = .object([JSONMember("sender", .string(sender)), JSONMember("receiver", .string(receiver)), JSONMember("content", .string(content))])
        return try await post(
            body: Array(body.serialized().utf8), sender: sender, receiver: receiver, content: content,
            headers: [("Content-Type", "application/json")] + bearerHeaders(for: sender))
    }

    /// `POST /messages` with any body; `sender`/`receiver`/`content` describe it for the delivery checker.
    public func post(body: [UInt8], sender: String, receiver: String, content: String, headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> PostResult {
        let process = label("http")
        let operation = history.invoke(process: process, .post, value: KitFormat.bytes(body, limit: 200))
        let invokedAt = history.operation(operation)?.invokedAt ?? clock.now()
        var head = HTTPRequestHead(method: "POST", target: "/messages")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var sent = SentMessage(nonce: content, sender: sender, receiver: receiver, outcome: .info, invokedAt: invokedAt, operation: operation)
        recordSent(sent)  // indeterminate until answered, also if the exchange throws
        let outcome = try await exchange(HTTPRequest(head: head, body: body), label: process, operation: operation, timeout: timeout(.seconds(5)))
        defer { recordSent(sent) }
        guard let response = outcome else {
            return PostResult(status: nil, json: nil, operation: operation, sent: sent)
        }
        let result = HTTPResult(status: response.head.status, headers: response.head.headers, body: response.body)
        let text = "\(result.status) " + KitFormat.bytes(result.body, limit: 200)
        switch result.status {
        case 201:
            sent.outcome = .ok
            sent.acceptedAt = clock.now()
            history.ok(operation, result: text)
        case 400..<500:
            sent.outcome = .fail
            history.fail(operation, result: text)
        default:
            history.info(operation, result: text)
        }
        return PostResult(status: result.status, json: result.json, operation: operation, sent: sent, headers: result.headers)
    }

    /// Any HTTP request on a fresh connection, answered within 5 s (scaled). Throws `ScenarioInconclusive`
    /// when the server is unreachable or silent, `ScenarioFailure` when it closes without answering or
    /// answers malformed HTTP.
    public func http(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) async throws -> HTTPResult {
        let limit = timeout(.seconds(5))
        let (result, operation) = try await http(method, path, headers: headers, body: body, limit: limit)
        guard let result else {
            throw ScenarioInconclusive("no answer to \(method) \(path) within \(KitFormat.duration(limit))", witnesses: [operation])
        }
        return result
    }

    /// Any HTTP request that the server must answer by `limit` by its own clock (a held poll is released
    /// by the next ping at the latest): no answer by then is a failure stating `expected`, not a doubt
    /// (docs/timeouts.md).
    public func http(
        _ method: String, _ path: String, answeredWithin limit: Duration, expected: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> HTTPResult {
        let (result, operation) = try await http(method, path, headers: headers, body: body, limit: limit)
        guard let result else {
            // A plain throw: `try fail(…)` (typed throws, -> Never) here crashed the 6.x optimizer's
            // coroutine splitting in release builds of the scenarios that inline this.
            throw ScenarioFailure(
                expected: [expected], actual: "no answer to \(method) \(path) within \(KitFormat.duration(limit))", witnesses: [operation])
        }
        return result
    }

    /// The request and its operation; a nil result when no answer came within `limit`.
    private func http(
        _ method: String, _ path: String, headers: [(String, String)], body: [UInt8], limit: Duration
    ) async throws -> (HTTPResult?, OperationID) {
        let process = label("http")
        let operation = history.invoke(process: process, .other("http"), value: "\(method) \(path)")
        var head = HTTPRequestHead(method: method, target: path)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        guard let response = try await exchange(HTTPRequest(head: head, body: body), label: process, operation: operation, timeout: limit) else {
            return (nil, operation)
        }
        history.ok(operation, result: "\(response.head.status)")
        return (HTTPResult(status: response.head.status, headers: response.head.headers, body: response.body), operation)
    }

    /// Raw TCP to the target, for malformed input.
    public func rawConnection(_ label: String) async throws -> KitRawConnection {
        let entryPoint = entryPoint(for: label)
        guard let address = KitServerAddress(baseURL: entryPoint) else {
            throw ScenarioInconclusive("the target URL '\(entryPoint)' is not http://host:port")
        }
        let operation = history.invoke(process: label, .connect, value: "tcp")
        switch await KitTCPConnection.connect(host: address.host, port: address.port, timeout: timeout(.seconds(5))) {
        case .success(let connection):
            history.ok(operation)
            let raw = KitRawConnection(label: label, connection: connection, trace: wireTrace)
            addTeardown { connection.close() }
            return raw
        case .failure(let error):
            history.info(operation, result: error.reason)
            wireTrace.append(session: label, .note, error.reason)
            throw ScenarioInconclusive("server unreachable: \(error.reason)", witnesses: [operation])
        }
    }

    /// Sends `request`; nil on timeout (the operation completed `info`). Unreachable → inconclusive;
    /// closed without answer or malformed → failure.
    private func exchange(_ request: HTTPRequest, label: String, operation: OperationID, timeout limit: Duration) async throws -> HTTPResponse? {
        let entryPoint = entryPoint(for: label)
        guard let address = KitServerAddress(baseURL: entryPoint) else {
            history.info(operation, result: "bad target URL")
            throw ScenarioInconclusive("the target URL '\(entryPoint)' is not http://host:port")
        }
        switch await KitHTTPExchange.send(request, to: address, timeout: limit, trace: wireTrace, label: label) {
        case .success(let response):
            return response
        case .failure(.unreachable(let reason)):
            history.fail(operation, result: "unreachable: \(reason)")
            throw ScenarioInconclusive("server unreachable: \(reason)", witnesses: [operation])
        case .failure(.timedOut(let limit)):
            history.info(operation, result: "no answer within \(KitFormat.duration(limit))")
            return nil
        case .failure(let failure):
            history.info(operation, result: failure.description)
            throw ScenarioFailure(
                expected: ["an HTTP/1.1 response to \(request.head.method) \(request.head.target)"], actual: failure.description,
                witnesses: [operation])
        }
    }
}
