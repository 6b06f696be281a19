import WireCodecs

/// Spec §1 and §11: no credentials flag outside an allow-list (CORS-3); with an allow-list, foreign
/// origins open no session, on polling or on the WebSocket upgrade (ORIGIN-2).
enum OriginScenarios {
    static let all: [Scenario] = [noCredentialsFlag, foreignOriginRefused]

    /// An origin no allow-list names.
    static func foreignOrigin(_ context: ScenarioContext) -> String { "http://conform-foreign-\(context.runToken).invalid" }

    static let noCredentialsFlag = Scenario(
        id: "cors/no-credentials-flag",
        title: "No Access-Control-Allow-Credentials: true for an origin that is not allow-listed",
        area: .cors, requirements: ["CORS-3"], transports: [.http, .polling]
    ) { context in
        let origin = foreignOrigin(context)
        let sender = context.uniqueUser("a")
        let body = Array(#"{"sender":"\#(sender)","receiver":"\#(context.uniqueUser("b"))","content":"cors"}"#.utf8)
        let post = try await context.http(
            "POST", "/messages", headers: [("Origin", origin), ("Content-Type", "application/json")] + context.bearerHeaders(for: sender), body: body)
        let poll = try await context.http("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", origin)])
        let preflight = try await context.http("OPTIONS", "/messages", headers: [("Origin", origin), ("Access-Control-Request-Method", "POST")])
        for (what, response) in [("POST /messages", post), ("the polling handshake", poll), ("the preflight", preflight)] {
            let flag = response.headers["Access-Control-Allow-Credentials"]
            try context.expect(flag?.lowercased() != "true",
                               expected: "no Access-Control-Allow-Credentials: true on \(what) for Origin \(origin) (CORS-3)",
                               actual: "status \(response.status), Access-Control-Allow-Credentials: \(flag ?? "(absent)")")
        }
    }

    /// The status of a WebSocket upgrade to a new Engine.IO session sent with `origin`.
    static func upgradeStatus(_ context: ScenarioContext, origin: String) async throws -> Int {
        let connection = try await context.rawConnection(context.label("upgrade"))
        defer { connection.close() }
        let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
        let request = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: conform\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nOrigin: \(origin)\r\n\r\n"
        await connection.send(Array(request.utf8))
        var parser = HTTPResponseParser()
        parser.expectResponse(toMethod: "GET")
        while true {
            guard let bytes = await connection.receive(timeout: context.eventTimeout) else {
                try context.fail(expected: ["an answer to the WebSocket upgrade with Origin \(origin)"], actual: "the connection closed or went silent")
            }
            parser.append(bytes)
            do {
                if let response = try parser.nextResponse() { return response.head.status }
            } catch {
                // A 101 is followed by WebSocket frames; only its status line and head matter.
                try context.fail(expected: ["a well-formed HTTP answer to the upgrade"], actual: "\(error)")
            }
        }
    }

    static let foreignOriginRefused = Scenario(
        id: "origin/foreign-origin-refused",
        title: "With an allow-list, a polling request or WebSocket upgrade from another Origin is refused with 403",
        area: .cors, requirements: ["ORIGIN-1", "ORIGIN-2"], transports: [.polling, .webSocket], needs: [.originAllowList]
    ) { context in
        guard let allowed = context.allowedOrigin else { try context.inconclusive("the run has no --allowed-origin") }
        let foreign = foreignOrigin(context)
        let refusedPoll = try await context.http("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", foreign)])
        try context.expect(refusedPoll.status == 403 && !String(decoding: refusedPoll.body, as: UTF8.self).hasPrefix("0{"),
                           expected: "403 and no open packet for a polling handshake from Origin \(foreign) (ORIGIN-2)",
                           actual: "status \(refusedPoll.status) \(String(decoding: refusedPoll.body.prefix(120), as: UTF8.self))")
        let refusedUpgrade = try await upgradeStatus(context, origin: foreign)
        try context.expectEqual(refusedUpgrade, 403, "status of a WebSocket upgrade from Origin \(foreign) (ORIGIN-2)")
        // The allow-listed origin is served: the refusals are about the origin.
        let allowedPoll = try await context.http("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", allowed)])
        try context.expectEqual(allowedPoll.status, 200, "status of a polling handshake from the allow-listed Origin \(allowed)")
        let allowedUpgrade = try await upgradeStatus(context, origin: allowed)
        try context.expectEqual(allowedUpgrade, 101, "status of a WebSocket upgrade from the allow-listed Origin \(allowed)")
    }
}
