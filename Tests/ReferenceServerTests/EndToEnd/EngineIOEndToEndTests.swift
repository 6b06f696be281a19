import Foundation
import ReferenceServer
import Testing
import WireCodecs

/// Engine.IO v4 over real sockets: polling, upgrade, errors, heartbeat (Spec TRANSPORT-3..9,
/// HEARTBEAT-1..2, CORS-1).
@Suite struct EngineIOEndToEndTests {
    /// Opens a polling session and returns its open payload.
    static func pollingHandshake(_ client: TestHTTPClient) throws -> EngineIOOpenPayload {
        let response = try client.send("GET", "/socket.io/?EIO=4&transport=polling")
        #expect(response.head.status == 200)
        guard case .open(let payload)? = try EngineIOPayload.decode(response.body, maxPayload: 1 << 20).first else {
            throw TestClientError("no open packet: \(response.text)")
        }
        return payload
    }

    @Test func pollingHandshakeCarriesTheOpenFields() throws {
        try withServer({ $0.pingInterval = 1234; $0.pingTimeout = 567 }) { server in
            let open = try Self.pollingHandshake(try TestHTTPClient(port: server.port))
            #expect(open.sid.count == 20)
            #expect(open.upgrades == ["websocket"])
            #expect(open.pingInterval == 1234)
            #expect(open.pingTimeout == 567)
            #expect(open.maxPayload == 1_000_000)
        }
    }

    @Test(arguments: [
        ("/socket.io/?EIO=3&transport=polling", #"{"code":5,"message":"Unsupported protocol version"}"#),
        ("/socket.io/?EIO=4&transport=carrier-pigeon", #"{"code":0,"message":"Transport unknown"}"#),
        ("/socket.io/?EIO=4&transport=polling&sid=nope", #"{"code":1,"message":"Session ID unknown"}"#),
    ])
    func badRequestsGetNodesErrors(target: String, body: String) throws {
        try withServer { server in
            let response = try TestHTTPClient(port: server.port).send("GET", target)
            #expect(response.head.status == 400)
            #expect(response.text == body)
        }
    }

    @Test func pollingSessionConnectsJoinsAndReceivesNewMessage() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let sid = try Self.pollingHandshake(client).sid
            let target = "/socket.io/?EIO=4&transport=polling&sid=\(sid)"
            #expect(try client.send("POST", target, body: "40").text == "ok")
            let connect = try client.send("GET", target)
            #expect(connect.text.hasPrefix("40{\"sid\":"))
            #expect(try client.send("POST", target, body: #"42["join","polly"]"#).text == "ok")
            let history = try client.send("GET", target)
            #expect(history.text == #"42["all_messages",{}]"#)

            let poller = try TestHTTPClient(port: server.port)
            try poller.connection.send(TestHTTPClient.request("GET", target, headers: [("Origin", "http://o.test")]))
            try postMessage(port: server.port, sender: "sam", receiver: "polly", content: "by poll")
            let delivered = try poller.readResponse()
            #expect(delivered.head.headers["Access-Control-Allow-Origin"] == "http://o.test")
            let packets = try EngineIOPayload.decode(delivered.body, maxPayload: 1 << 20)
            guard case .message(let text)? = packets.first else { throw TestClientError("no message: \(delivered.text)") }
            let packet = try SocketIOPacket.decode(text)
            #expect(packet.eventName == "new_message")
            #expect(packet.eventArguments.first?["content"] == .string("by poll"))
            #expect(packet.eventArguments.first?["sender"] == .string("sam"))
        }
    }

    @Test func secondConcurrentGetIs400AndClosesTheSession() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let sid = try Self.pollingHandshake(client).sid
            let target = "/socket.io/?EIO=4&transport=polling&sid=\(sid)"
            let held = try TestHTTPClient(port: server.port)
            try held.connection.send(TestHTTPClient.request("GET", target))
            // Make sure the first GET is held before the second arrives.
            #expect(held.connection.receive(timeout: .milliseconds(200)) == nil)
            #expect(try client.send("GET", target).head.status == 400)
            #expect(try held.readResponse().text == "1")
            #expect(try client.send("GET", target).head.status == 400)
        }
    }

    @Test func oversizedPollingPostIs413AndTheSessionLivesOn() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let sid = try Self.pollingHandshake(client).sid
            let target = "/socket.io/?EIO=4&transport=polling&sid=\(sid)"
            let big = "4" + String(repeating: "x", count: 1_000_001)
            #expect(try client.send("POST", target, body: big).head.status == 413)
            #expect(try client.send("POST", target, body: "40").text == "ok")
        }
    }

    @Test func upgradeDanceMovesThePollingSessionToWebSocket() throws {
        try withServer { server in
            let client = try TestHTTPClient(port: server.port)
            let sid = try Self.pollingHandshake(client).sid
            let target = "/socket.io/?EIO=4&transport=polling&sid=\(sid)"
            #expect(try client.send("POST", target, body: "40").text == "ok")
            #expect(try client.send("GET", target).text.hasPrefix("40"))
            // A held GET, released with a noop during the upgrade.
            let poller = try TestHTTPClient(port: server.port)
            try poller.connection.send(TestHTTPClient.request("GET", target))
            let webSocket = try TestWebSocket(port: server.port, target: "/socket.io/?EIO=4&transport=websocket&sid=\(sid)")
            try webSocket.sendText("2probe")
            #expect(try webSocket.nextText() == "3probe")
            #expect(try poller.readResponse().text == "6")
            try webSocket.sendText("5")
            try webSocket.sendText(#"42["join","upgrader"]"#)
            #expect(try webSocket.nextText() == #"42["all_messages",{}]"#)
            try postMessage(port: server.port, sender: "x", receiver: "upgrader", content: "over ws")
            let text = try #require(try webSocket.nextText())
            #expect(text.hasPrefix(#"42["new_message",{"sender":"x","content":"over ws""#))
            // Polling is over for this session.
            #expect(try client.send("GET", target).head.status == 400)
        }
    }

    @Test func heartbeatPingArrivesAndSilentSessionIsClosed() throws {
        // pingTimeout 1 s, not less: the answering client's pongs must not be judged on the scheduling
        // delays of a suite that oversubscribes 2 cores.
        try withServer({ $0.pingInterval = 200; $0.pingTimeout = 1_000 }) { server in
            let silent = try TestSocketIOClient(port: server.port)
            let answering = try TestSocketIOClient(port: server.port)
            #expect(try silent.webSocket.nextText(timeout: .seconds(2)) == "2")
            // One that answers every ping (while reading) lives on well past pingInterval + pingTimeout...
            #expect(try answering.nextPacket(timeout: .milliseconds(2_500)) == nil)
            // ...while the silent one, no pong, was closed after pingInterval + pingTimeout.
            #expect(silent.webSocket.closeCode() != nil || silent.webSocket.connection.isClosedByPeer())
            _ = try answering.join("still-here")
            try postMessage(port: server.port, sender: "x", receiver: "still-here", content: "alive")
            #expect(try answering.nextEvent()?.name == "new_message")
        }
    }
}
