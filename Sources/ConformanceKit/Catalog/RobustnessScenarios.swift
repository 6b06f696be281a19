import WireCodecs

/// Robustness scenarios (Spec §9 ROBUST-2..6): bad input closes at most its own session or
/// connection; a bystander session and a fresh session are served afterwards.
public enum RobustnessScenarios {
    public static let all: [Scenario] = [malformedEngineIO, malformedSocketIO, malformedHTTP, invalidWebSocketFrame, stalledReader]

    /// ROBUST-2: malformed Engine.IO packets on WebSocket and polling.
    static let malformedEngineIO = Scenario(
        id: "robustness/malformed-engineio", title: "A malformed Engine.IO packet closes at most its own session",
        area: .robustness, requirements: ["ROBUST-2"], transports: [.webSocket, .polling], prerequisites: ["transport/websocket-only"]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let bad = ["x", "9", "", "4\u{1E}"]
        for text in bad {
            let session = try await context.connect(context.label("sender"))
            try await session.sendEngineIO(text: text)
        }
        let polling = try await context.connect(context.label("sender"), transport: .polling)
        _ = try await polling.sendPollingBody(Array("x\u{1E}9garbage".utf8))
        try await context.expectDelivery(to: bystander, user: user, after: "malformed Engine.IO packets from other sessions", requirement: "ROBUST-2")
        try await context.probeLiveness(after: "malformed Engine.IO packets", requirement: "ROBUST-2")
    }

    /// ROBUST-3: malformed Socket.IO packets.
    static let malformedSocketIO = Scenario(
        id: "robustness/malformed-socketio", title: "A malformed Socket.IO packet closes at most its own session",
        area: .robustness, requirements: ["ROBUST-3"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let bad = ["4", "49", "42[\"join\"", "42{\"join\":1}", "42[]", "42[1,2]", "4/nowhere", "43[]", "45-[\"x\"]", "42\u{0}", "4" + String(repeating: "[", count: 10_000)]
        for text in bad {
            let session = try await context.connect(context.label("sender"))
            try await session.sendEngineIO(text: text)
        }
        try await context.expectDelivery(to: bystander, user: user, after: "malformed Socket.IO packets from other sessions", requirement: "ROBUST-3")
        try await context.probeLiveness(after: "malformed Socket.IO packets", requirement: "ROBUST-3")
    }

    /// ROBUST-4: malformed HTTP requests get a 4xx or a closed connection.
    static let malformedHTTP = Scenario(
        id: "robustness/malformed-http", title: "A malformed HTTP request gets a 4xx or a closed connection",
        area: .robustness, requirements: ["ROBUST-4"], transports: [.http]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let requests: [(String, String)] = [
            ("a garbage request line", "NOT AN HTTP REQUEST\r\n\r\n"),
            ("a header line without a colon", "GET /messages HTTP/1.1\r\nHost: kit\r\nBroken header line\r\n\r\n"),
            ("a negative Content-Length", "POST /messages HTTP/1.1\r\nHost: kit\r\nContent-Length: -5\r\n\r\n"),
            ("two different Content-Lengths", "POST /messages HTTP/1.1\r\nHost: kit\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
            ("an invalid chunk size", "POST /messages HTTP/1.1\r\nHost: kit\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
            ("a control character in a header value", "GET /messages HTTP/1.1\r\nHost: kit\r\nX-Kit: a\u{1}b\r\n\r\n"),
            ("a NUL in the target", "GET /mess\u{0}ages HTTP/1.1\r\nHost: kit\r\n\r\n"),
        ]
        for (what, request) in requests {
            let raw = try await context.rawConnection(context.label("raw"))
            await raw.send(Array(request.utf8))
            let limit = context.timeout(.seconds(5))
            let method = String(request.prefix { $0 != " " })
            let answer = await raw.readAnswer(toMethod: method, timeout: limit)
            let expected = "a 4xx answer or a closed connection for \(what)"
            // ROBUST-4 (Spec 1.1): a request line naming no HTTP version may be answered HTTP/0.9 style,
            // bytes with no status line (Werkzeug's error page), when the connection is then closed.
            let mayAnswerHTTP09 = !hasHTTPVersion(request)
            switch answer {
            case .response(let response):
                try context.expect((400..<500).contains(response.head.status), expected: expected, actual: "status \(response.head.status)")
            case .closed(let bytes):
                try context.expect(
                    bytes.isEmpty || mayAnswerHTTP09 && !hasStatusLine(bytes), expected: expected,
                    actual: "'\(KitFormat.bytes(bytes, limit: 80))', then closed")
            case .timedOut(let bytes):
                try context.fail(
                    expected: [expected],
                    actual: bytes.isEmpty ? "nothing within \(KitFormat.duration(limit)), connection open" : "'\(KitFormat.bytes(bytes, limit: 80))' and no complete response within \(KitFormat.duration(limit))")
            case .malformed(let bytes, let error):
                if mayAnswerHTTP09, !hasStatusLine(bytes) {
                    let isClosed = await raw.waitUntilClosed(timeout: limit)
                    try context.expect(
                        isClosed, expected: expected + " (an HTTP/0.9-style answer must be followed by closing the connection)",
                        actual: "'\(KitFormat.bytes(bytes, limit: 80))' with no status line, and the connection still open after \(KitFormat.duration(limit))")
                    raw.close()
                    continue
                }
                // Robustness, not HTTP syntax, is judged here: a 4xx status line is enough.
                let text = String(decoding: bytes.prefix(12), as: UTF8.self)
                let status = text.hasPrefix("HTTP/1.") ? Int(text.dropFirst(9).prefix(3)) : nil
                try context.expect(
                    status.map { (400..<500).contains($0) } ?? false, expected: expected,
                    actual: "a malformed answer (\(error)): '\(KitFormat.bytes(bytes, limit: 80))'")
            }
            raw.close()
        }
        try await context.expectDelivery(to: bystander, user: user, after: "malformed HTTP requests", requirement: "ROBUST-4")
        try await context.probeLiveness(after: "malformed HTTP requests", requirement: "ROBUST-4")
    }

    /// Whether the request line of `request` ends in an HTTP version (`HTTP/…`).
    static func hasHTTPVersion(_ request: String) -> Bool {
        let requestLine = request.prefix { $0 != "\r" && $0 != "\n" }
        return requestLine.split(separator: " ").last?.hasPrefix("HTTP/") == true && requestLine.split(separator: " ").count == 3
    }

    /// Whether `bytes` begin like an HTTP status line (`HTTP/`).
    static func hasStatusLine(_ bytes: [UInt8]) -> Bool { bytes.starts(with: Array("HTTP/".utf8)) }

    /// Builds a frame by hand: `first` byte (FIN, RSV, opcode), optional mask, payload (< 126 bytes or 16-bit length).
    static func frame(first: UInt8, payload: [UInt8], isMasked: Bool) -> [UInt8] {
        var bytes: [UInt8] = [first]
        let maskBit: UInt8 = isMasked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else {
            bytes.append(maskBit | 126)
            bytes += [UInt8(truncatingIfNeeded: payload.count >> 8), UInt8(truncatingIfNeeded: payload.count)]
        }
        guard isMasked else { return bytes + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        bytes += key
        for (index, byte) in payload.enumerated() { bytes.append(byte ^ key[index % 4]) }
        return bytes
    }

    /// ROBUST-5: invalid client frames close that WebSocket only, unprocessed.
    static let invalidWebSocketFrame = Scenario(
        id: "robustness/invalid-websocket-frame", title: "An invalid WebSocket frame closes that connection only",
        area: .robustness, requirements: ["ROBUST-5"], transports: [.webSocket], prerequisites: ["transport/websocket-only"]
    ) { context in
        let (bystander, user) = try await context.bystander()
        let join = Array("42[\"join\",\"\(context.uniqueUser("frame"))\"]".utf8)
        let cases: [(String, [UInt8])] = [
            ("an unmasked text frame", frame(first: 0x81, payload: join, isMasked: false)),
            ("a reserved opcode 0x3", frame(first: 0x83, payload: join, isMasked: true)),
            ("RSV1 set without an extension", frame(first: 0xC1, payload: join, isMasked: true)),
            ("a 126-byte ping (control frames carry at most 125)", frame(first: 0x89, payload: Array(repeating: 0x61, count: 126), isMasked: true)),
            ("a fragmented ping", frame(first: 0x09, payload: [0x61], isMasked: true)),
        ]
        for (what, bytes) in cases {
            let session = try await context.connect(context.label("sender"))
            try await session.sendWebSocketFrame(bytes)
            let limit = context.timeout(.seconds(5))
            let isClosed = await session.waitUntilClosed(timeout: limit)
            try context.expect(isClosed, expected: "the WebSocket closed after \(what)", actual: "still open after \(KitFormat.duration(limit))")
            let histories = session.events.filter { $0.name == "all_messages" }
            try context.expect(
                histories.isEmpty, expected: "\(what) not processed", actual: "the join it carried was answered with all_messages",
                witnesses: histories.map(\.operation))
        }
        try await context.expectDelivery(to: bystander, user: user, after: "invalid WebSocket frames", requirement: "ROBUST-5")
        try await context.probeLiveness(after: "invalid WebSocket frames", requirement: "ROBUST-5")
    }

    /// ROBUST-6: a session that stops reading while messages pile up does not stop the others.
    static let stalledReader = Scenario(
        id: "robustness/stalled-reader", title: "A client that stops reading does not stop the server serving others",
        area: .robustness, requirements: ["ROBUST-6"], transports: [.webSocket], prerequisites: ["transport/websocket-only"],
        isExclusive: true
    ) { context in
        let (bystander, bystanderUser) = try await context.bystander()
        let stalled = try await context.connect(context.label("stalled"))
        let stalledUser = context.uniqueUser("stalled")
        _ = try await stalled.join(stalledUser)
        stalled.setReading(false)
        // About 6 MB for the stalled session: more than socket buffers and typical per-connection queues.
        let padding = String(repeating: "p", count: 60_000)
        let sender = context.uniqueUser("flood")
        let posts = 100
        var accepted = 0
        for batch in stride(from: 0, to: posts, by: 10) {
            let statuses = try await withThrowingTaskGroup(of: Int?.self) { group in
                for index in batch..<min(posts, batch + 10) {
                    group.addTask { try await context.post(sender: sender, receiver: stalledUser, content: "\(index)-\(padding)").status }
                }
                var statuses: [Int?] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            accepted += statuses.filter { $0 == 201 }.count
        }
        try context.expect(accepted > 0, expected: "the flood's POSTs answered 201", actual: "none of \(posts) accepted")
        try await context.expectDelivery(to: bystander, user: bystanderUser, after: "\(accepted) large messages queued for a session that stopped reading", requirement: "ROBUST-6")
        try await context.probeLiveness(after: "a session stopped reading", requirement: "ROBUST-6")
        stalled.setReading(true)
    }
}
