import Testing
import WireCodecs
@testable import ReferenceServer

@Suite struct EngineIOHandshakeValidatorTests {
    let validator = EngineIOHandshakeValidator()
    /// Known sessions: "poll1" on polling, "ws1" on WebSocket.
    let sessions: [String: EngineIOTransport] = ["poll1": .polling, "ws1": .webSocket]

    func route(_ method: String, _ target: String, upgrade: Bool = false, headers: HTTPHeaders = HTTPHeaders(), allow: Bool = true) -> EngineIORequestRoute {
        let sessions = self.sessions
        return validator.route(
            HTTPRequestHead(method: method, target: target, headers: headers),
            isWebSocketUpgrade: upgrade,
            sessionTransport: { sessions[$0] },
            allowHandshake: { _ in allow }
        )
    }

    // MARK: Accepted routes

    @Test func pollingHandshake() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling") == .handshake(.polling))
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&t=Nx1y2&sid=") == .handshake(.polling))
    }

    @Test func webSocketHandshake() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=websocket", upgrade: true) == .handshake(.webSocket))
    }

    @Test func existingSessionPollPostAndUpgrade() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=poll1") == .poll(sid: "poll1"))
        #expect(route("POST", "/socket.io/?EIO=4&transport=polling&sid=poll1") == .post(sid: "poll1"))
        #expect(route("GET", "/socket.io/?EIO=4&transport=websocket&sid=poll1", upgrade: true) == .upgrade(sid: "poll1"))
        #expect(route("PUT", "/socket.io/?EIO=4&transport=polling&sid=poll1") == .unsupportedPollingMethod(sid: "poll1"))
        #expect(EngineIORequestRoute.unsupportedPollingMethodResponse.head.status == 500)
    }

    @Test func percentEncodedSidIsDecoded() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=po%6Cl1") == .poll(sid: "poll1"))
    }

    // MARK: Error codes, in Node's order

    @Test func code0TransportUnknown() {
        #expect(route("GET", "/socket.io/?EIO=4") == .error(.transportUnknown))
        #expect(route("GET", "/socket.io/?EIO=4&transport=abc") == .error(.transportUnknown))
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&transport=polling") == .error(.transportUnknown))
        let pollingOnly = EngineIOHandshakeValidator(enabledTransports: [.polling])
        let head = HTTPRequestHead(method: "GET", target: "/socket.io/?EIO=4&transport=websocket")
        #expect(pollingOnly.route(head, isWebSocketUpgrade: true, sessionTransport: { _ in nil }) == .error(.transportUnknown))
        // The transport is checked before the version: EIO=3 with a bad transport is still 0.
        #expect(route("GET", "/socket.io/?EIO=3&transport=xhr") == .error(.transportUnknown))
    }

    @Test func code1SessionIDUnknown() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=nope") == .error(.sessionIDUnknown))
        #expect(route("POST", "/socket.io/?EIO=4&transport=polling&sid=nope") == .error(.sessionIDUnknown))
        #expect(route("GET", "/socket.io/?EIO=4&transport=websocket&sid=nope", upgrade: true) == .error(.sessionIDUnknown))
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=poll1&sid=poll1") == .error(.sessionIDUnknown))
    }

    @Test func code2BadHandshakeMethod() {
        #expect(route("POST", "/socket.io/?EIO=4&transport=polling") == .error(.badHandshakeMethod))
        #expect(route("PUT", "/socket.io/?EIO=4&transport=polling") == .error(.badHandshakeMethod))
    }

    @Test func code3BadRequest() {
        // WebSocket transport without an upgrade.
        #expect(route("GET", "/socket.io/?EIO=4&transport=websocket") == .error(.badRequest))
        // Polling request for a session that moved to WebSocket (transport mismatch).
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=ws1") == .error(.badRequest))
        #expect(route("GET", "/socket.io/?EIO=4&transport=websocket&sid=poll1") == .error(.badRequest))
        // An upgrade asking for the polling transport.
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=poll1", upgrade: true) == .error(.badRequest))
        // An Origin header with a control character.
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling", headers: ["Origin": "http://a\u{01}b"]) == .error(.badRequest))
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling", headers: ["Origin": "http://example.com"]) == .handshake(.polling))
    }

    @Test func code4Forbidden() {
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling", allow: false) == .error(.forbidden))
        // The hook only guards new sessions.
        #expect(route("GET", "/socket.io/?EIO=4&transport=polling&sid=poll1", allow: false) == .poll(sid: "poll1"))
    }

    @Test func code5UnsupportedProtocolVersion() {
        #expect(route("GET", "/socket.io/?EIO=3&transport=polling") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?transport=polling") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?EIO=abc&transport=polling") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?EIO=4&EIO=4&transport=polling") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?EIO=3&transport=websocket", upgrade: true) == .error(.unsupportedProtocolVersion))
        // Unlike Node, on every request (Spec TRANSPORT-7): polls, posts and upgrades of a session too.
        #expect(route("GET", "/socket.io/?EIO=3&transport=polling&sid=poll1") == .error(.unsupportedProtocolVersion))
        #expect(route("POST", "/socket.io/?EIO=5&transport=polling&sid=poll1") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?transport=polling&sid=poll1") == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?EIO=3&transport=websocket&sid=poll1", upgrade: true) == .error(.unsupportedProtocolVersion))
        #expect(route("GET", "/socket.io/?EIO=5&transport=websocket&sid=poll1", upgrade: true) == .error(.unsupportedProtocolVersion))
    }

    // MARK: Wire answers

    @Test(arguments: EngineIORequestError.allCases)
    func httpAnswerIsNodeJSON(_ error: EngineIORequestError) {
        let response = error.response(isWebSocketUpgrade: false)
        #expect(response.head.status == (error == .forbidden ? 403 : 400))
        #expect(response.head.headers["Content-Type"] == "application/json")
        let expected = #"{"code":\#(error.rawValue),"message":"\#(error.message)"}"#
        #expect(String(decoding: response.body, as: UTF8.self) == expected)
    }

    @Test func messagesAreNodes() {
        #expect(EngineIORequestError.allCases.map(\.message) == [
            "Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request", "Forbidden", "Unsupported protocol version",
        ])
        #expect(EngineIORequestError.unsupportedProtocolVersion.jsonBody == #"{"code":5,"message":"Unsupported protocol version"}"#)
    }

    @Test func upgradeAnswerIsPlain400() {
        let response = EngineIORequestError.forbidden.response(isWebSocketUpgrade: true)
        #expect(response.head.status == 400)
        #expect(response.head.headers["Connection"] == "close")
        #expect(response.head.headers["Content-Type"] == "text/html")
        #expect(response.body == Array("Forbidden".utf8))
    }

    @Test func detectsWebSocketUpgradeHeaders() {
        let upgrade = HTTPRequestHead(method: "GET", target: "/", headers: ["Upgrade": "WebSocket", "Connection": "keep-alive, Upgrade"])
        #expect(EngineIOHandshakeValidator.isWebSocketUpgrade(upgrade))
        #expect(!EngineIOHandshakeValidator.isWebSocketUpgrade(HTTPRequestHead(method: "GET", target: "/", headers: ["Upgrade": "websocket"])))
    }
}
