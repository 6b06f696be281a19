import WireCodecs

/// Spec §2: `POST /messages`.
enum SendScenarios {
    static let all: [Scenario] = [accepted, limitsAndUnicode, invalidBodies, oversized, serverTimestamp, storageFault]

    static let accepted = Scenario(
        id: "send/accepted",
        title: "A valid POST /messages is answered 201 with status success",
        area: .send, requirements: ["SEND-1"], transports: [.http]
    ) { context in
        let result = try await context.postAccepted(sender: context.uniqueUser("alice"), receiver: context.uniqueUser("bob"), content: context.nonce())
        try context.expect(result.json?.objectMembers != nil, expected: "a JSON object body", actual: "\(String(describing: result.json))", witnesses: [result.operation])
        let empty = try await context.post(sender: context.uniqueUser("alice"), receiver: context.uniqueUser("bob"), content: "")
        try context.expect(empty.status == 201, expected: "201 for an empty content string (content may be empty)", actual: "\(empty.status.map(String.init) ?? "no answer")", witnesses: [empty.operation])
    }

    static let limitsAndUnicode = Scenario(
        id: "send/limits-and-unicode",
        title: "64-character names and 64 KiB of Unicode content are accepted and delivered exactly",
        area: .send, requirements: ["SEND-2"], transports: [.http, .webSocket], prerequisites: ["join/basic"]
    ) { context in
        let receiver = String(context.uniqueUser("r").prefix(40)) + String(repeating: "é", count: 24)
        let sender = String(context.uniqueUser("s").prefix(40)) + String(repeating: "名", count: 24)
        let unit = "Unicode ✓ 名前 😀 \"quoted\" \\ back\nline\ttab \u{7f} "
        var content = context.nonce() + " "
        while content.utf8.count + unit.utf8.count <= 65_536 { content += unit }
        while content.utf8.count < 65_536 { content += "x" }
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let result = try await context.postAccepted(sender: sender, receiver: receiver, content: content)
        let event = try context.expectPresent(
            await session.waitForEvent(timeout: context.eventTimeout) { $0.name == "new_message" },
            expected: "a new_message for the 64 KiB message", witnesses: [result.operation])
        let delivered = event.arguments.first
        try context.expect(delivered?["content"] == .string(content) && delivered?["sender"] == .string(sender),
                           expected: "new_message with the sender and 65,536-byte content exactly as sent",
                           actual: "sender \(String(describing: delivered?["sender"])), content of \(delivered?["content"]?.stringValue?.utf8.count ?? 0) bytes, equal: \(delivered?["content"] == .string(content))",
                           witnesses: [result.operation, event.operation])
        let (_, history) = try await context.joinedSession(context.label("rejoin"), user: receiver)
        try context.expect(history.contents(with: sender) == [content],
                           expected: "all_messages lists the message under its sender, content exactly as sent",
                           actual: "parties \(history.conversations.map(\.party)), \(history.contents(with: sender)?.count ?? 0) message(s) under the sender",
                           witnesses: [history.operation])
    }

    /// The 400 cases of `Spec/vectors/messenger.json`, with this run's unique names substituted.
    static func invalidBodies(sender: String, receiver: String) -> [(name: String, body: [UInt8])] {
        func json(_ members: String) -> [UInt8] { Array("{\(members)}".utf8) }
        let s = JSONSerializer.serialize(.string(sender)), r = JSONSerializer.serialize(.string(receiver))
        return [
            ("not JSON", Array("sender=\(sender)&receiver=\(receiver)&content=hi".utf8)),
            ("truncated JSON", Array(#"{"sender":\#(s),"receiver":\#(r),"content":"hi""#.utf8)),
            ("empty body", []),
            ("JSON array", Array("[\(s),\(r),\"hi\"]".utf8)),
            ("JSON string", Array(#""hello""#.utf8)),
            ("JSON null", Array("null".utf8)),
            ("missing sender", json(#""receiver":\#(r),"content":"hi""#)),
            ("missing receiver", json(#""sender":\#(s),"content":"hi""#)),
            ("missing content", json(#""sender":\#(s),"receiver":\#(r)"#)),
            ("numeric sender", json(#""sender":42,"receiver":\#(r),"content":"hi""#)),
            ("null receiver", json(#""sender":\#(s),"receiver":null,"content":"hi""#)),
            ("object content", json(#""sender":\#(s),"receiver":\#(r),"content":{"text":"hi"}"#)),
            ("array content", json(#""sender":\#(s),"receiver":\#(r),"content":["hi"]"#)),
            ("boolean content", json(#""sender":\#(s),"receiver":\#(r),"content":true"#)),
            ("empty sender", json(#""sender":"","receiver":\#(r),"content":"hi""#)),
            ("empty receiver", json(#""sender":\#(s),"receiver":"","content":"hi""#)),
            ("trailing comma", json(#""sender":\#(s),"receiver":\#(r),"content":"hi","#)),
            ("invalid UTF-8", Array(#"{"sender":\#(s),"receiver":\#(r),"content":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)),
        ]
    }

    static let invalidBodies = Scenario(
        id: "send/invalid-bodies",
        title: "Each invalid body is answered 400 with a JSON error, and nothing is stored or delivered",
        area: .send, requirements: ["SEND-3"], transports: [.http, .webSocket], prerequisites: ["join/basic"]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        for (name, body) in invalidBodies(sender: sender, receiver: receiver) {
            let headers = [("Content-Type", "application/json")] + context.bearerHeaders(for: sender)
            let response = try await context.http("POST", "/messages", headers: headers, body: body)
            try context.expect(response.status == 400 && response.json?["error"]?.stringValue != nil,
                               expected: #"400 with a JSON object carrying a string "error" for: \#(name)"#,
                               actual: "\(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        try await context.expectNothingStoredOrDelivered(session, receiver: receiver, because: "refused bodies (SEND-3)")
    }

    static let oversized = Scenario(
        id: "send/oversized",
        title: "A 2 MB content is either accepted, or refused with 413/400 and a JSON error and not stored",
        area: .send, requirements: ["SEND-4"], transports: [.http, .webSocket], prerequisites: ["join/basic"]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let marker = context.nonce()
        let content = marker + String(repeating: "x", count: 2_000_000)
        let body = Array(#"{"sender":\#(JSONSerializer.serialize(.string(sender))),"receiver":\#(JSONSerializer.serialize(.string(receiver))),"content":"\#(content)"}"#.utf8)
        let headers = [("Content-Type", "application/json")] + context.bearerHeaders(for: sender)
        let response = try await context.http("POST", "/messages", headers: headers, body: body)
        if response.status == 201 { return }  // within what this server accepts
        try context.expect([400, 413].contains(response.status) && response.json?["error"]?.stringValue != nil,
                           expected: [#"201 (accepted)"#, #"413 or 400 with a JSON object carrying a string "error""#],
                           actual: "\(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        try await context.expectNothingStoredOrDelivered(session, receiver: receiver, because: "refused oversized messages (SEND-4)")
    }

    static let serverTimestamp = Scenario(
        id: "send/server-timestamp",
        title: "The server assigns an ISO 8601 timestamp, ignores the client's, and reports it consistently",
        area: .send, requirements: ["SEND-5"], transports: [.http, .webSocket], prerequisites: ["join/basic"]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let content = context.nonce()
        let clientTimestamp = "1999-01-01T00:00:00Z"
        let body = Array(#"{"sender":\#(JSONSerializer.serialize(.string(sender))),"receiver":\#(JSONSerializer.serialize(.string(receiver))),"content":"\#(content)","timestamp":"\#(clientTimestamp)"}"#.utf8)
        let headers = [("Content-Type", "application/json")] + context.bearerHeaders(for: sender)
        let response = try await context.http("POST", "/messages", headers: headers, body: body)
        try context.expectEqual(response.status, 201, "status")
        let event = try context.expectPresent(
            await session.waitForEvent(timeout: context.eventTimeout) { $0.arguments.first?["content"] == .string(content) },
            expected: "a new_message for the POSTed message")
        let live = event.arguments.first?["timestamp"]?.stringValue ?? "(none)"
        try context.expect(ISO8601Check.isDateTime(live) && live != clientTimestamp,
                           expected: "an ISO 8601 timestamp assigned by the server (not the client's \(clientTimestamp))",
                           actual: live, witnesses: [event.operation])
        if let answered = response.json?["timestamp"]?.stringValue {
            try context.expectEqual(answered, live, "timestamp in the 201 body versus new_message")
        }
        let (_, history) = try await context.joinedSession(context.label("rejoin"), user: receiver)
        let listed = history.conversations.first { $0.party == sender }?.messages.first?.timestamp
        try context.expectEqual(listed ?? "(missing)", live, "timestamp in all_messages versus new_message")
    }
}

extension SendScenarios {
    /// Words that show SQL or a database file in a client-facing error (Spec SEND-6).
    static let leakedDetails = ["sql", "insert ", "commit", "select ", "begin ", "rollback", ".db", ".sqlite", "/tmp/", "/var/", "/home/"]

    /// SEND-6: while the storage fails, 503 + Retry-After + a plain JSON error, nothing stored or
    /// delivered; after it recovers, messages are accepted again with no restart.
    static let storageFault = Scenario(
        id: "send/storage-fault",
        title: "A storage fault is answered 503 with Retry-After and a plain error, stores nothing, and clears by itself",
        area: .send, requirements: ["SEND-6"], transports: [.http, .webSocket], prerequisites: ["join/basic"],
        isExclusive: true, needs: [.storageFault]
    ) { context in
        let sender = context.uniqueUser("sender"), receiver = context.uniqueUser("receiver")
        let (session, _) = try await context.joinedSession(context.label("receiver"), user: receiver)
        let refusedContent = context.nonce()
        let body: JSONValue = .object([
            JSONMember("sender", .string(sender)), JSONMember("receiver", .string(receiver)), JSONMember("content", .string(refusedContent)),
        ])
        try await context.target.failStorage()
        let refused: HTTPResult
        do {
            refused = try await context.http(
                "POST", "/messages", headers: [("Content-Type", "application/json")] + context.bearerHeaders(for: sender), body: Array(body.serialized().utf8))
        } catch {
            try? await context.target.recoverStorage()
            throw error
        }
        try await context.target.recoverStorage()
        try context.expectEqual(refused.status, 503, "status of a POST while the storage fails")
        let retryAfter = refused.headers["Retry-After"] ?? ""
        try context.expect(
            !retryAfter.isEmpty && (retryAfter.allSatisfy(\.isNumber) || retryAfter.contains("GMT")),
            expected: "a Retry-After header of delay-seconds or an HTTP-date", actual: retryAfter.isEmpty ? "none" : "Retry-After: \(retryAfter)")
        let error = refused.json?["error"]?.stringValue
        try context.expect(error != nil, expected: "a JSON object with a string error", actual: "body \(KitFormat.bytes(refused.body, limit: 200))")
        let leaked = leakedDetails.filter { error?.lowercased().contains($0) == true }
        try context.expect(leaked.isEmpty, expected: "an error naming no SQL and no file path", actual: "error \"\(error ?? "")\" (shows \(leaked))")

        // Recovered: accepted again without a restart (a few tries, as Retry-After asks).
        let laterContent = context.nonce()
        var later = try await context.post(sender: sender, receiver: receiver, content: laterContent)
        let deadline = ContinuousClock.now + context.timeout(.seconds(10))
        while later.status != 201, ContinuousClock.now < deadline {
            await context.pause(.milliseconds(500))
            later = try await context.post(sender: sender, receiver: receiver, content: laterContent)
        }
        try context.expectEqual(later.status ?? 0, 201, "status of a POST after the storage recovered (no restart)")
        _ = await session.waitForEvent(timeout: context.eventTimeout) { $0.name == "new_message" && $0.arguments.first?["content"] == .string(laterContent) }
        let delivered = session.events.filter { $0.name == "new_message" }.compactMap { $0.arguments.first?["content"]?.stringValue }
        try context.expect(!delivered.contains(refusedContent), expected: "the refused message not delivered", actual: "it arrived as new_message")
        let (_, history) = try await context.joinedSession(context.label("rejoin"), user: receiver)
        try context.expect(
            history.contents(with: sender) == [laterContent], expected: "all_messages lists only the message accepted after the recovery",
            actual: "\(history.contents(with: sender) ?? []) under the sender", witnesses: [history.operation])
    }
}

/// Spec §2: HTTP routing and persistent connections.
enum HTTPScenarios {
    static let all: [Scenario] = [routing, keepAlive]

    static let routing = Scenario(
        id: "http/routing",
        title: "Unknown paths get 404; methods other than POST and OPTIONS on /messages get 405",
        area: .http, requirements: ["HTTP-1", "HTTP-3"], transports: [.http]
    ) { context in
        // Paths no server may serve: `/`, `/assets/…`, `/healthz` and `/metrics` are allowed (HTTP-3).
        for path in ["/nope", "/messages/extra", "/socket.iox/", "/healthz/extra", "/kit-unserved/index.html"] {
            let response = try await context.http("GET", path)
            try context.expectEqual(response.status, 404, "status of GET \(path)")
        }
        for method in ["GET", "PUT", "DELETE", "PATCH"] {
            let response = try await context.http(method, "/messages")
            try context.expectEqual(response.status, 405, "status of \(method) /messages")
        }
    }

    static let keepAlive = Scenario(
        id: "http/keep-alive",
        title: "Several requests on one HTTP/1.1 connection are each answered",
        area: .http, requirements: ["HTTP-2"], transports: [.http]
    ) { context in
        let connection = try await context.rawConnection(context.label("keep-alive"))
        defer { connection.close() }
        var parser = HTTPResponseParser()
        for index in 0..<3 {
            let sender = context.uniqueUser("a")
            let body = Array(#"{"sender":"\#(sender)","receiver":"\#(context.uniqueUser("b"))","content":"keep-alive \#(index)"}"#.utf8)
            var head = HTTPRequestHead(method: "POST", target: "/messages", headers: ["Host": "conform", "Content-Type": "application/json"])
            for (name, value) in context.bearerHeaders(for: sender) { head.headers.add(name: name, value: value) }
            head.headers.add(name: "Content-Length", value: String(body.count))
            parser.expectResponse(toMethod: "POST")
            await connection.send(head.serialized() + body)
            var response: HTTPResponse?
            while response == nil {
                guard let bytes = await connection.receive(timeout: context.eventTimeout) else {
                    try context.fail(expected: ["response \(index + 1) of 3 on the same connection"], actual: "the connection closed or went silent after \(index) response(s)")
                }
                parser.append(bytes)
                do { response = try parser.nextResponse() } catch {
                    try context.fail(expected: ["a well-formed HTTP response"], actual: "\(error)")
                }
            }
            try context.expectEqual(response?.head.status ?? 0, 201, "status of request \(index + 1) on one connection")
        }
    }
}

/// Spec §1: CORS open to any origin.
enum CORSScenarios {
    static let all: [Scenario] = [allowOrigin, preflight]

    static func allows(_ headers: HTTPHeaders, origin: String) -> Bool {
        let value = headers["Access-Control-Allow-Origin"]
        return value == "*" || value == origin
    }

    static let allowOrigin = Scenario(
        id: "cors/allow-origin",
        title: "POST /messages and polling requests allow any Origin",
        area: .cors, requirements: ["CORS-1"], transports: [.http, .polling]
    ) { context in
        let origin = context.allowedOrigin ?? "http://conform-\(context.runToken).example"
        let sender = context.uniqueUser("a")
        let body = Array(#"{"sender":"\#(sender)","receiver":"\#(context.uniqueUser("b"))","content":"cors"}"#.utf8)
        let headers = [("Origin", origin), ("Content-Type", "application/json")] + context.bearerHeaders(for: sender)
        let post = try await context.http("POST", "/messages", headers: headers, body: body)
        try context.expect(allows(post.headers, origin: origin), expected: "Access-Control-Allow-Origin: * or \(origin) on POST /messages",
                           actual: "status \(post.status), Access-Control-Allow-Origin: \(post.headers["Access-Control-Allow-Origin"] ?? "(absent)")")
        let poll = try await context.http("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", origin)])
        try context.expect(poll.status == 200 && allows(poll.headers, origin: origin),
                           expected: "200 with Access-Control-Allow-Origin: * or \(origin) on the polling handshake",
                           actual: "status \(poll.status), Access-Control-Allow-Origin: \(poll.headers["Access-Control-Allow-Origin"] ?? "(absent)")")
    }

    static let preflight = Scenario(
        id: "cors/preflight",
        title: "An OPTIONS preflight to /messages admits POST with Content-Type",
        area: .cors, requirements: ["CORS-2"], transports: [.http]
    ) { context in
        let origin = context.allowedOrigin ?? "http://conform-\(context.runToken).example"
        let response = try await context.http("OPTIONS", "/messages", headers: [
            ("Origin", origin), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"),
        ])
        let methods = response.headers.tokens(for: "Access-Control-Allow-Methods")
        let allowedHeaders = response.headers.tokens(for: "Access-Control-Allow-Headers")
        try context.expect(
            (200..<300).contains(response.status) && (methods.contains("post") || methods.contains("*"))
                && (allowedHeaders.contains("content-type") || allowedHeaders.contains("*")),
            expected: "2xx, Access-Control-Allow-Methods admitting POST, Access-Control-Allow-Headers admitting Content-Type",
            actual: "status \(response.status), methods \(methods), headers \(allowedHeaders)")
    }
}
