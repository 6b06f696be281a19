import Foundation
import ReferenceServer
import Testing
import WireCodecs

/// Spec AUTH-2..8, ORIGIN-2, CORS-3 on the running server: exact status lines, headers and packets.
@Suite struct AuthenticationEndToEndTests {
    static let secret = Array("end-to-end-secret".utf8)

    static func token(_ user: String, expiresIn seconds: Int64 = 600, secret: [UInt8] = secret) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        return JSONWebToken.mint(subject: user, expiresAt: now + seconds, issuedAt: now, secret: secret)
    }

    static func authenticated(leeway: Int = 5) -> (inout ServerConfiguration) -> Void {
        { $0.authentication = AuthenticationConfiguration(secret: secret, leewaySeconds: leeway) }
    }

    static let body = #"{"sender":"alice","receiver":"bob","content":"hi"}"#

    @Test func withoutAnAllowListNoCredentialsFlag() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let post = try client.send("POST", "/messages", headers: [("Origin", "http://any.example")], body: Self.body)
            #expect(post.head.status == 201)
            #expect(post.head.headers["Access-Control-Allow-Origin"] == "http://any.example")
            #expect(post.head.headers["Access-Control-Allow-Credentials"] == nil)
            let poll = try client.send("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", "http://any.example")])
            #expect(poll.head.status == 200)
            #expect(poll.head.headers["Access-Control-Allow-Credentials"] == nil)
        }
    }

    @Test func allowListRefusesForeignOriginsAndFlagsOnlyListedOnes() throws {
        try withServer({ $0.allowedOrigins = ["https://chat.example"] }) { server in
            let client = try TestHTTPClient(port: server.port)
            let foreign = try client.send("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", "https://evil.example")])
            #expect(foreign.head.status == 403)
            #expect(foreign.head.headers["Access-Control-Allow-Origin"] == nil)
            #expect(foreign.json?["error"]?.stringValue == "origin not allowed")
            let listed = try client.send("GET", "/socket.io/?EIO=4&transport=polling", headers: [("Origin", "https://chat.example")])
            #expect(listed.head.status == 200)
            #expect(listed.head.headers["Access-Control-Allow-Origin"] == "https://chat.example")
            #expect(listed.head.headers["Access-Control-Allow-Credentials"] == "true")
            let withoutOrigin = try client.send("GET", "/socket.io/?EIO=4&transport=polling")
            #expect(withoutOrigin.head.status == 200)
            let foreignPost = try client.send("POST", "/messages", headers: [("Origin", "https://evil.example")], body: Self.body)
            #expect(foreignPost.head.status == 403)
            // The WebSocket upgrade (cross-site WebSocket hijacking).
            let raw = try RawConnection(port: server.port)
            try raw.send(TestHTTPClient.request("GET", "/socket.io/?EIO=4&transport=websocket", headers: [
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("Sec-WebSocket-Version", "13"), ("Origin", "https://evil.example"),
            ]))
            let answer = String(decoding: raw.receive() ?? [], as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 403"), "\(answer)")
        }
    }

    @Test func postNeedsABearerTokenForItsSender() throws {
        try withServer(Self.authenticated()) { server in
            let client = try TestHTTPClient(port: server.port)
            let missing = try client.send("POST", "/messages", body: Self.body)
            #expect(missing.head.status == 401)
            #expect(missing.head.headers["WWW-Authenticate"] == #"Bearer realm="messenger""#)
            #expect(missing.json?["error"]?.stringValue?.contains("Authorization: Bearer") == true)
            let expired = try client.send("POST", "/messages", headers: [("Authorization", "Bearer " + Self.token("alice", expiresIn: -60))], body: Self.body)
            #expect(expired.head.status == 401)
            #expect(expired.head.headers["WWW-Authenticate"] == #"Bearer realm="messenger", error="invalid_token", error_description="token expired""#)
            let forged = try client.send("POST", "/messages", headers: [("Authorization", "Bearer " + Self.token("alice", secret: [1]))], body: Self.body)
            #expect(forged.head.status == 401)
            // The token before the body: an invalid body without a token is still 401.
            let invalidBody = try client.send("POST", "/messages", body: "{")
            #expect(invalidBody.head.status == 401)
            let invalidBodyWithToken = try client.send("POST", "/messages", headers: [("Authorization", "Bearer " + Self.token("alice"))], body: "{")
            #expect(invalidBodyWithToken.head.status == 400)
            let impostor = try client.send("POST", "/messages", headers: [("Authorization", "Bearer " + Self.token("mallory"))], body: Self.body)
            #expect(impostor.head.status == 403)
            #expect(impostor.json?["error"]?.stringValue != nil)
            let valid = try client.send("POST", "/messages", headers: [("Authorization", "bearer " + Self.token("alice"))], body: Self.body)
            #expect(valid.head.status == 201)
            let preflight = try client.send("OPTIONS", "/messages", headers: [("Origin", "http://a.example")])
            #expect(preflight.head.headers["Access-Control-Allow-Headers"] == "Content-Type, Authorization")
        }
    }

    @Test func connectNeedsAValidTokenAndJoinOnlyItsSubject() throws {
        try withServer(Self.authenticated()) { server in
            let refused = try TestWebSocket(port: server.port, target: "/socket.io/?EIO=4&transport=websocket")
            _ = try refused.nextText()  // open packet
            try refused.sendText("40")
            let answer = try #require(try refused.nextText())
            #expect(answer.hasPrefix(#"44{"message":"authentication failed: authentication required"#), "\(answer)")
            try refused.sendText(#"40{"token":"\#(Self.token("alice", secret: [9]))"}"#)
            #expect(try refused.nextText() == #"44{"message":"authentication failed: bad token signature"}"#)

            let alice = try TestSocketIOClient(port: server.port, connectPayload: #"{"token":"\#(Self.token("alice"))"}"#)
            try alice.emit("join", #""bob""#)
            let refusal = try #require(try alice.nextEvent())
            #expect(refusal.name == "error")
            #expect(refusal.argument?["message"]?.stringValue == "join refused: this session's token is for another user")
            #expect(try alice.join("alice") == .object([]))
        }
    }

    @Test func expiredTokenEndsTheSession() throws {
        try withServer(Self.authenticated(leeway: 0)) { server in
            let client = try TestSocketIOClient(port: server.port, connectPayload: #"{"token":"\#(Self.token("alice", expiresIn: 1))"}"#)
            _ = try client.join("alice")
            let error = try #require(try client.nextPacket(timeout: .seconds(4)))
            #expect(error.encoded() == #"2["error",{"message":"token expired: reconnect with a new token"}]"#)
            #expect(try client.nextPacket()?.type == .disconnect)
            #expect(client.webSocket.closeCode() == WebSocketCloseCode.normalClosure)
        }
    }
}
