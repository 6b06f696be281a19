import Testing
@testable import WireCodecs

@Suite struct WebSocketHandshakeTests {
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="

    /// The RFC 6455 §1.3 example request.
    static func request(_ edit: (inout HTTPRequestHead) -> Void = { _ in }) -> HTTPRequestHead {
        var head = HTTPRequestHead(
            method: "GET",
            target: "/chat",
            headers: [
                "Host": "server.example.com",
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Key": key,
                "Origin": "http://example.com",
                "Sec-WebSocket-Version": "13",
            ]
        )
        edit(&head)
        return head
    }

    @Test(arguments: WebSocketVectors.shared.handshake)
    func acceptValueMatchesVector(vector: WebSocketVectors.HandshakeCase) {
        #expect(WebSocketHandshake.acceptValue(forKey: vector.key) == vector.accept)
    }

    @Test func acceptsTheRFCExampleRequest() throws {
        #expect(try WebSocketHandshake.validateUpgrade(Self.request()) == Self.key)
    }

    @Test func acceptsTokenListsAndCaseVariants() throws {
        let head = Self.request {
            $0.headers.replaceOrAdd(name: "Connection", value: "keep-alive, UPGRADE")
            $0.headers.replaceOrAdd(name: "upgrade", value: "WebSocket")
        }
        #expect(try WebSocketHandshake.validateUpgrade(head) == Self.key)
    }

    static let refusals: [(String, WebSocketHandshakeError, Int)] = [
        ("POST", .methodNotGet("POST"), 400),
        ("HTTP/1.0", .httpVersionTooOld(.http1_0), 400),
        ("no Host", .missingHost, 400),
        ("two Host", .missingHost, 400),
        ("no Upgrade", .missingUpgradeWebSocket, 400),
        ("Upgrade h2c", .missingUpgradeWebSocket, 400),
        ("no Connection", .missingConnectionUpgrade, 400),
        ("Connection close", .missingConnectionUpgrade, 400),
        ("no key", .missingKey, 400),
        ("short key", .invalidKey("AAAAAAAAAAAAAAAAAAAA"), 400),
        ("15-byte key", .invalidKey("AAAAAAAAAAAAAAAAAAAA"), 400),
        ("two keys", .invalidKey(key), 400),
        ("no version", .missingVersion, 400),
        ("version 8", .unsupportedVersion("8"), 426),
    ]

    @Test(arguments: refusals)
    func refusesBrokenRequests(name: String, expected: WebSocketHandshakeError, status: Int) {
        let head = Self.request { head in
            switch name {
            case "POST": head.method = "POST"
            case "HTTP/1.0": head.version = .http1_0
            case "no Host": head.headers.remove(name: "Host")
            case "two Host": head.headers.add(name: "host", value: "other.example.com")
            case "no Upgrade": head.headers.remove(name: "Upgrade")
            case "Upgrade h2c": head.headers.replaceOrAdd(name: "Upgrade", value: "h2c")
            case "no Connection": head.headers.remove(name: "Connection")
            case "Connection close": head.headers.replaceOrAdd(name: "Connection", value: "close")
            case "no key": head.headers.remove(name: "Sec-WebSocket-Key")
            case "short key", "15-byte key":
                // 20 base64 characters decode to 15 bytes.
                head.headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: "AAAAAAAAAAAAAAAAAAAA")
            case "two keys": head.headers.add(name: "Sec-WebSocket-Key", value: Self.key)
            case "no version": head.headers.remove(name: "Sec-WebSocket-Version")
            case "version 8": head.headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8")
            default: Issue.record("unknown case \(name)")
            }
        }
        #expect(throws: expected) { try WebSocketHandshake.validateUpgrade(head) }
        #expect(expected.responseStatus == status)
        #expect(expected.rejectionResponse?.status == status)
    }

    @Test func versionRefusalAdvertisesThirteen() {
        let response = WebSocketHandshakeError.unsupportedVersion("8").rejectionResponse
        #expect(response?.status == 426)
        #expect(response?.headers["Sec-WebSocket-Version"] == "13")
        #expect(WebSocketHandshakeError.missingKey.rejectionResponse?.headers["Sec-WebSocket-Version"] == nil)
    }

    /// RFC 6455 §1.3 example response.
    @Test func buildsTheServerResponse() {
        let head = WebSocketHandshake.serverResponse(key: Self.key)
        #expect(head.status == 101)
        #expect(head.reason == "Switching Protocols")
        #expect(head.headers["Upgrade"] == "websocket")
        #expect(head.headers["Connection"] == "Upgrade")
        #expect(head.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func clientRequestPassesServerValidation() throws {
        var generator = WebSocketTestGenerator()
        let key = WebSocketHandshake.makeKey(using: &generator)
        #expect(Base64.decode(key)?.count == 16)
        #expect(WebSocketHandshake.makeKey(using: &generator) != key)
        let head = WebSocketHandshake.clientRequest(
            host: "127.0.0.1:8080",
            target: "/socket.io/?EIO=4&transport=websocket",
            key: key,
            extraHeaders: ["Origin": "http://127.0.0.1"]
        )
        #expect(head.method == "GET")
        #expect(head.target == "/socket.io/?EIO=4&transport=websocket")
        #expect(head.headers["Origin"] == "http://127.0.0.1")
        #expect(try WebSocketHandshake.validateUpgrade(head) == key)
        // And the server's answer passes the client's check.
        try WebSocketHandshake.validateServerResponse(WebSocketHandshake.serverResponse(key: key), key: key)
    }

    @Test func clientRefusesBrokenResponses() {
        let good = WebSocketHandshake.serverResponse(key: Self.key)
        let expected = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

        var notSwitching = good
        notSwitching.status = 200
        #expect(throws: WebSocketHandshakeError.unexpectedStatus(200)) {
            try WebSocketHandshake.validateServerResponse(notSwitching, key: Self.key)
        }
        var noUpgrade = good
        noUpgrade.headers.remove(name: "Upgrade")
        #expect(throws: WebSocketHandshakeError.responseMissingUpgradeWebSocket) {
            try WebSocketHandshake.validateServerResponse(noUpgrade, key: Self.key)
        }
        var noConnection = good
        noConnection.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        #expect(throws: WebSocketHandshakeError.responseMissingConnectionUpgrade) {
            try WebSocketHandshake.validateServerResponse(noConnection, key: Self.key)
        }
        #expect(throws: WebSocketHandshakeError.invalidAccept(expected: WebSocketHandshake.acceptValue(forKey: "AAAAAAAAAAAAAAAAAAAAAA=="), received: expected)) {
            try WebSocketHandshake.validateServerResponse(good, key: "AAAAAAAAAAAAAAAAAAAAAA==")
        }
        var noAccept = good
        noAccept.headers.remove(name: "Sec-WebSocket-Accept")
        #expect(throws: WebSocketHandshakeError.invalidAccept(expected: expected, received: nil)) {
            try WebSocketHandshake.validateServerResponse(noAccept, key: Self.key)
        }
        var withExtension = good
        withExtension.headers.add(name: "Sec-WebSocket-Extensions", value: "permessage-deflate")
        #expect(throws: WebSocketHandshakeError.unrequestedExtension("permessage-deflate")) {
            try WebSocketHandshake.validateServerResponse(withExtension, key: Self.key)
        }
        var withProtocol = good
        withProtocol.headers.add(name: "Sec-WebSocket-Protocol", value: "chat")
        #expect(throws: WebSocketHandshakeError.unrequestedSubprotocol("chat")) {
            try WebSocketHandshake.validateServerResponse(withProtocol, key: Self.key)
        }
        #expect(throws: Never.self) {
            try WebSocketHandshake.validateServerResponse(withProtocol, key: Self.key, requestedSubprotocols: ["chat"])
        }
        #expect(WebSocketHandshakeError.unexpectedStatus(200).rejectionResponse == nil)
    }
}
