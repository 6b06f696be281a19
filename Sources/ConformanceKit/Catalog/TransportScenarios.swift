import WireCodecs

/// Engine.IO / Socket.IO transport scenarios (Spec §1 TRANSPORT-1..10).
public enum TransportScenarios {
    public static let all: [Scenario] = [
        connectNamespace, webSocketOnly, pollingOnly, pollingUpgrade, openPacket, maxPayload, maxPayloadStatus, badHandshake,
        badHandshakeBody, concurrentPoll, versionOnEveryRequest,
    ]

    /// TRANSPORT-1: CONNECT to `/` is answered with `40{"sid":"…"}`.
    static let connectNamespace = Scenario(
        id: "transport/connect-namespace", title: "CONNECT to / is answered with a CONNECT carrying a string sid",
        area: .transport, requirements: ["TRANSPORT-1"], transports: [.webSocket, .polling]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("client"), transport: transport)
            try context.expect(
                session.socketID?.isEmpty == false, expected: "a non-empty sid in the CONNECT answer (\(transport.rawValue))",
                actual: "sid \(session.socketID.map { "'\($0)'" } ?? "missing")")
            await session.close()
        }
    }

    /// TRANSPORT-2: a WebSocket-only session carries packets both ways.
    static let webSocketOnly = Scenario(
        id: "transport/websocket-only", title: "A session opened directly on WebSocket carries packets both ways",
        area: .transport, requirements: ["TRANSPORT-2"], transports: [.webSocket], prerequisites: ["transport/connect-namespace"]
    ) { context in
        try await roundTrip(context, transport: .webSocket, requirement: "TRANSPORT-2")
    }

    /// TRANSPORT-3: a polling-only session carries packets both ways.
    static let pollingOnly = Scenario(
        id: "transport/polling-only", title: "A session on HTTP long-polling carries packets both ways",
        area: .transport, requirements: ["TRANSPORT-3"], transports: [.polling], prerequisites: ["transport/connect-namespace"]
    ) { context in
        try await roundTrip(context, transport: .polling, requirement: "TRANSPORT-3")
    }

    /// Join (client → server), history and a live message (server → client), strictly formed.
    static func roundTrip(_ context: ScenarioContext, transport: TransportKind, requirement: String) async throws {
        let session = try await context.connect(context.label("client"), transport: transport)
        let user = context.uniqueUser("transport")
        _ = try await session.join(user)
        try await context.expectDelivery(to: session, user: user, after: "joining over \(transport.rawValue)", requirement: requirement)
        try context.expectEqual(session.transport, transport, "transport in use")
        try context.expect(
            session.protocolViolations.isEmpty, expected: "only well-formed Engine.IO and Socket.IO packets (\(requirement))",
            actual: session.protocolViolations.prefix(3).joined(separator: "; "))
    }

    /// TRANSPORT-4: polling → WebSocket upgrade; messages before, during and after arrive exactly once.
    static let pollingUpgrade = Scenario(
        id: "transport/polling-upgrade", title: "Polling upgrades to WebSocket without losing or repeating packets",
        area: .transport, requirements: ["TRANSPORT-4"], transports: [.pollingUpgrade], prerequisites: ["transport/polling-only"]
    ) { context in
        let session = try await context.connect(context.label("client"), transport: .polling)
        let user = context.uniqueUser("upgrade")
        _ = try await session.join(user)
        let sender = context.uniqueUser("sender")
        var sent: [SentMessage] = []
        sent.append(try await context.post(sender: sender, receiver: user, content: context.nonce()).sent)
        _ = await session.waitForEvent(timeout: context.timeout(.seconds(5))) { $0.name == "new_message" }
        // Messages sent while the upgrade is under way, then after it.
        let during = Task { () -> [SentMessage] in
            var messages: [SentMessage] = []
            for _ in 0..<3 {
                if let result = try? await context.post(sender: sender, receiver: user, content: context.nonce()) { messages.append(result.sent) }
            }
            return messages
        }
        try await session.upgradeToWebSocket()
        sent += await during.value
        try context.expectEqual(session.transport, .webSocket, "transport after the upgrade")
        sent.append(try await context.post(sender: sender, receiver: user, content: context.nonce()).sent)
        let expectedCount = sent.filter { $0.outcome == .ok }.count
        let deadline = ContinuousClock.now + context.timeout(.seconds(5))
        while session.events.filter({ $0.name == "new_message" }).count < expectedCount, ContinuousClock.now < deadline {
            _ = await session.nextEvent(timeout: .milliseconds(100))
        }
        await context.pause(context.timeout(.milliseconds(200)))  // room for a repeated packet to show
        let report = DeliveryChecker().check(sent: sent, sessions: [session.observedSession()])
        try context.expectClean(report, expected: "every message before, during and after the upgrade exactly once (TRANSPORT-4)")
        try context.expect(
            session.protocolViolations.isEmpty, expected: "a clean upgrade (TRANSPORT-4)",
            actual: session.protocolViolations.prefix(3).joined(separator: "; "))
    }

    /// TRANSPORT-5: the open packet's fields and types, on both transports.
    static let openPacket = Scenario(
        id: "transport/open-packet", title: "The open packet carries sid, upgrades and positive pingInterval, pingTimeout, maxPayload",
        area: .transport, requirements: ["TRANSPORT-5"], transports: [.webSocket, .polling]
    ) { context in
        for transport in [TransportKind.webSocket, .polling] {
            let session = try await context.connect(context.label("client"), transport: transport, connectNamespace: false)
            let open = session.openPayload
            for (name, value) in [("pingInterval", open.pingInterval), ("pingTimeout", open.pingTimeout), ("maxPayload", open.maxPayload)] {
                try context.expect(value > 0, expected: "\(name) a positive integer (\(transport.rawValue))", actual: "\(name) \(value)")
            }
            if transport == .polling {
                try context.expect(
                    open.upgrades.contains("websocket"), expected: "upgrades of a polling session lists \"websocket\"",
                    actual: "upgrades \(open.upgrades)")
            }
            await session.close()
        }
    }

    /// TRANSPORT-6: bodies and messages over maxPayload are refused unprocessed (a 4xx for polling, a
    /// closed WebSocket); others keep being served.
    static let maxPayload = Scenario(
        id: "transport/max-payload", title: "Payloads over maxPayload are refused unprocessed (4xx / closed WebSocket)",
        area: .transport, requirements: ["TRANSPORT-6"], transports: [.polling, .webSocket], prerequisites: ["transport/open-packet"]
    ) { context in
        let (bystander, bystanderUser) = try await context.bystander()
        let limit = try maxPayloadLimit(context, bystander)
        // Polling: a 4xx, nothing processed.
        let polling = try await context.connect(context.label("polling"), transport: .polling)
        let status = try await polling.sendPollingBody(Array(oversizedJoin(context.uniqueUser("oversized"), limit: limit).utf8))
        try context.expect(
            (400..<500).contains(status), expected: "a 4xx status (413 or 400) for a polling POST of \(limit + 1) bytes",
            actual: "status \(status)")
        // WebSocket: the connection is closed, nothing processed.
        let webSocket = try await context.connect(context.label("websocket"))
        try await webSocket.sendEngineIO(text: oversizedJoin(context.uniqueUser("oversized"), limit: limit))
        let isClosed = await webSocket.waitUntilClosed(timeout: context.timeout(.seconds(5)))
        try context.expect(isClosed, expected: "the WebSocket closed after a \(limit + 1)-byte message", actual: "still open after \(KitFormat.duration(context.timeout(.seconds(5))))")
        for session in [polling, webSocket] {
            let histories = session.events.filter { $0.name == "all_messages" }
            try context.expect(
                histories.isEmpty, expected: "the oversized join of \(session.label) not processed",
                actual: "it was answered with all_messages", witnesses: histories.map(\.operation))
        }
        try await context.expectDelivery(to: bystander, user: bystanderUser, after: "oversized payloads", requirement: "TRANSPORT-6")
        try await context.probeLiveness(after: "oversized payloads", requirement: "TRANSPORT-6")
    }

    /// TRANSPORT-10: the refusal of an oversized polling body is 413, as Node.js answers.
    static let maxPayloadStatus = Scenario(
        id: "transport/max-payload-413", title: "An oversized polling body is refused with 413",
        area: .transport, requirements: ["TRANSPORT-10"], transports: [.polling], prerequisites: ["transport/max-payload"]
    ) { context in
        let polling = try await context.connect(context.label("polling"), transport: .polling)
        let limit = try maxPayloadLimit(context, polling)
        let status = try await polling.sendPollingBody(Array(oversizedJoin(context.uniqueUser("oversized"), limit: limit).utf8))
        try context.expectEqual(status, 413, "status of a polling POST of \(limit + 1) bytes")
    }

    /// The session's advertised maxPayload, when the kit can send one byte more (up to 16 MiB).
    static func maxPayloadLimit(_ context: ScenarioContext, _ session: KitSession) throws -> Int {
        let limit = session.openPayload.maxPayload
        guard limit > 0, limit <= 16 * 1024 * 1024 else {
            try context.inconclusive("maxPayload \(limit) is outside what the kit sends (1 byte to 16 MiB)")
        }
        return limit
    }

    /// A join of `user` padded to `limit` + 1 bytes: processing it would answer all_messages.
    static func oversizedJoin(_ user: String, limit: Int) -> String {
        let head = "42[\"join\",\"\(user)\",\""
        let padding = max(0, limit + 1 - head.utf8.count - 2)
        return head + String(repeating: "x", count: padding) + "\"]"
    }

    /// The three invalid handshakes of TRANSPORT-7/8 and the Node.js answers.
    static let invalidRequests: [(what: String, target: String, code: Int, message: String)] = [
        ("EIO=3", "/socket.io/?EIO=3&transport=polling", 5, "Unsupported protocol version"),
        ("an unknown transport", "/socket.io/?EIO=4&transport=carrier-pigeon", 0, "Transport unknown"),
        ("an unknown sid", "/socket.io/?EIO=4&transport=polling&sid=kit-unknown-session-id", 1, "Session ID unknown"),
    ]

    /// TRANSPORT-7: 400 for a bad EIO, transport or sid.
    static let badHandshake = Scenario(
        id: "transport/bad-request-400", title: "A bad EIO, unknown transport or unknown sid is answered 400",
        area: .transport, requirements: ["TRANSPORT-7"], transports: [.http]
    ) { context in
        for request in invalidRequests {
            let result = try await context.http("GET", request.target)
            try context.expectEqual(result.status, 400, "status for \(request.what) (GET \(request.target))")
        }
    }

    /// TRANSPORT-8: the 400 bodies are Node.js's JSON objects.
    static let badHandshakeBody = Scenario(
        id: "transport/bad-request-body", title: "The 400 answers carry the Node.js error objects",
        area: .transport, requirements: ["TRANSPORT-8"], transports: [.http], prerequisites: ["transport/bad-request-400"]
    ) { context in
        for request in invalidRequests {
            let result = try await context.http("GET", request.target)
            let expected = "{\"code\":\(request.code),\"message\":\"\(request.message)\"}"
            let json = result.json
            try context.expect(
                json?["code"]?.numberValue == Double(request.code) && json?["message"]?.stringValue == request.message,
                expected: "body \(expected) for \(request.what)", actual: "body \(KitFormat.bytes(result.body, limit: 200))")
        }
    }

    /// TRANSPORT-9: a second concurrent GET gets 400 and the session is closed. Heartbeat-bound: the
    /// answer may come only when the server's heartbeat cycle ends.
    static let concurrentPoll = Scenario(
        id: "transport/concurrent-poll", title: "A second concurrent polling GET is answered 400 and closes the session",
        area: .transport, requirements: ["TRANSPORT-9"], transports: [.polling], prerequisites: ["transport/polling-only"],
        isHeartbeatBound: true
    ) { context in
        // One entry point for the session and its requests: with several (--node), a GET sent to another
        // node is answered 400 "Session ID unknown", which is not the concurrency check.
        try await context.on(context.entryPoint(for: context.label("node"))) { try await concurrentPollOnOneEntryPoint(context) }
    }

    private static func concurrentPollOnOneEntryPoint(_ context: ScenarioContext) async throws {
        // The session's own GET must still be held when the second one arrives. A ping (or anything
        // else) that releases it meanwhile makes the attempt undecidable: try again with a new session.
        var attempt = 0
        var decided: (session: KitSession, target: String)?
        while decided == nil {
            attempt += 1
            let session = try await context.connect(context.label("client"), transport: .polling)
            let interval = session.openPayload.pingInterval
            if interval <= 2_000 {
                // Frequent pings: start right after one, when the next is furthest away. Wait at most one
                // and a half intervals: a server that never pings still gets its concurrent GET.
                let pings = session.pingsReceived
                let deadline = ContinuousClock.now + .milliseconds(interval * 3 / 2)
                while session.pingsReceived == pings, !session.isClosed, ContinuousClock.now < deadline {
                    await context.pause(.milliseconds(2))
                }
                await context.pause(.milliseconds(interval / 5))  // the session's next GET is now waiting
            } else {
                await context.pause(context.timeout(.milliseconds(100)))  // the session's own GET is now waiting
            }
            try context.expect(!session.isClosed, expected: "the polling session still open, its GET held (TRANSPORT-3)",
                               actual: "it closed within one ping cycle: \(session.closeReason ?? "no reason")")
            let target = KitSession.target(transport: "polling", sid: session.openPayload.sid)
            let pingsBefore = session.pingsReceived
            // A server may hold the second GET until its heartbeat cycle runs out (python-engineio answers
            // it 400 at pingInterval + pingTimeout); past that, its own clock has run out: a failure.
            let second = try await context.http(
                "GET", target, answeredWithin: context.serverCycleLimit(session.heartbeatPeriod),
                expected: "an answer (400) to the second concurrent GET within pingInterval + pingTimeout (TRANSPORT-9)")
            await context.pause(.milliseconds(20))  // let the session parse anything that was in flight
            if second.status == 400 {
                decided = (session, target)
            } else if session.pingsReceived != pingsBefore || session.isClosed {
                await session.close()
                if attempt == 3 {
                    try context.inconclusive("in 3 attempts a ping released the session's own GET before the second one was answered")
                }
            } else {
                try context.expectEqual(second.status, 400, "status of a second concurrent GET")
            }
        }
        guard let (session, target) = decided else { return }
        let isClosed = await session.waitUntilClosed(timeout: context.timeout(.seconds(3)))
        if isClosed { return }
        // The session must be gone: a fresh GET on it must fail too.
        let later = try await context.http("GET", target)
        try context.expect(
            later.status == 400, expected: "the session closed after the second concurrent GET",
            actual: "it kept serving: a later GET answered \(later.status)")
    }

    /// TRANSPORT-7 on a session's later requests, not only its handshake: a polling POST, a polling GET
    /// and a WebSocket upgrade of an `EIO=4` session that say `EIO=3` or `EIO=5` are answered 400.
    /// Node's engine.io let such an upgrade through (cited to us as CVE-2026-102599, an ID with no
    /// public record we could find, so the report does not cite it).
    static let versionOnEveryRequest = Scenario(
        id: "transport/version-on-every-request",
        title: "A session's polling requests and upgrade with an EIO other than 4 are answered 400",
        area: .transport, requirements: ["TRANSPORT-7"], transports: [.polling, .pollingUpgrade],
        prerequisites: ["transport/bad-request-400", "transport/polling-only"]
    ) { context in
        // One entry point, as for transport/concurrent-poll: another node's 400 would prove nothing.
        try await context.on(context.entryPoint(for: context.label("node"))) { try await versionOnEveryRequestOnOneEntryPoint(context) }
    }

    private static func versionOnEveryRequestOnOneEntryPoint(_ context: ScenarioContext) async throws {
        // A polling session opened by hand, never polled: no GET of its own is held, so a second-GET 400
        // (TRANSPORT-9) cannot stand in for the version check.
        let handshake = try await context.http("GET", KitSession.target(transport: "polling"))
        let packets = (try? EngineIOPayload.decode(handshake.body, maxPayload: 1 << 20)) ?? []
        guard handshake.status == 200, case .open(let open)? = packets.first else {
            try context.inconclusive("the polling handshake was answered \(handshake.status): \(KitFormat.bytes(handshake.body, limit: 120))")
        }
        let sid = KitSession.percentEncoded(open.sid)
        for version in ["3", "5"] {
            let target = "/socket.io/?EIO=\(version)&transport=polling&sid=\(sid)"
            let post = try await context.http("POST", target, headers: [("Content-Type", "text/plain;charset=UTF-8")], body: Array("40".utf8))
            try context.expectEqual(post.status, 400, "status of a polling POST with EIO=\(version) on an EIO=4 session")
            let get = try await context.http("GET", target)
            try context.expectEqual(get.status, 400, "status of a polling GET with EIO=\(version) on an EIO=4 session")
        }
        let entryPoint = context.entryPoint(for: context.label("upgrade"))
        guard let address = KitServerAddress(baseURL: entryPoint) else {
            try context.inconclusive("cannot parse the target URL \(entryPoint)")
        }
        for version in ["3", "5"] {
            let raw = try await context.rawConnection(context.label("upgrade"))
            let key = context.withRandom { WebSocketHandshake.makeKey(using: &$0) }
            let head = WebSocketHandshake.clientRequest(
                host: address.hostHeader, target: "/socket.io/?EIO=\(version)&transport=websocket&sid=\(sid)", key: key)
            await raw.send(HTTPRequest(head: head).serialized())
            let limit = context.timeout(.seconds(5))
            let answer = await raw.readAnswer(toMethod: "GET", timeout: limit)
            raw.close()
            let expected = "400 to a WebSocket upgrade with EIO=\(version) of an EIO=4 session"
            switch answer {
            case .response(let response):
                try context.expectEqual(response.head.status, 400, "status of a WebSocket upgrade with EIO=\(version) of an EIO=4 session")
            case .closed(let bytes), .timedOut(let bytes), .malformed(let bytes, _):
                try context.fail(expected: [expected], actual: bytes.isEmpty ? "no answer" : "'\(KitFormat.bytes(bytes, limit: 80))'")
            }
        }
        try await context.probeLiveness(after: "requests with another EIO on an open session", requirement: "TRANSPORT-7")
    }
}
