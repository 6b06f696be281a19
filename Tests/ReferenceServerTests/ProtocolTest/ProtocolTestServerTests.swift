import ReferenceServer
import Testing
import WireCodecs

/// `protocol-test-server`'s contract beyond what the official suites check in `.ci/run`: the
/// applications on each path, the namespace routing, and the connect timeout met by any namespace.
@Suite struct ProtocolTestServerTests {
    private func withProtocolTestServer(_ body: (ProtocolTestServer) throws -> Void) throws {
        let server = try ProtocolTestServer.start(port: 0)
        defer { server.stop() }
        try body(server)
    }

    /// A WebSocket-only session on `path`, its open packet read.
    private func session(_ server: ProtocolTestServer, path: String) throws -> TestWebSocket {
        let socket = try TestWebSocket(port: server.port, target: "\(path)?EIO=4&transport=websocket")
        let open = try #require(try socket.nextText())
        #expect(open.hasPrefix(#"0{"sid":"#))
        #expect(open.contains(#""pingInterval":300,"pingTimeout":200,"maxPayload":1000000"#))
        return socket
    }

    @Test func engineIOPathSendsBackTextAndBinary() throws {
        try withProtocolTestServer { server in
            let socket = try session(server, path: "/engine.io/")
            try socket.sendText("4hello")
            #expect(try socket.nextText() == "4hello")
            var frame: [UInt8] = []
            WebSocketFrame.appendBinary([1, 2, 3], maskingKey: [9, 8, 7, 6], to: &frame)
            try socket.connection.send(frame)
            #expect(try socket.nextMessage() == .binary([1, 2, 3]))
        }
    }

    @Test func socketIOPathOffersMainAndCustomNamespacesOnly() throws {
        try withProtocolTestServer { server in
            let socket = try session(server, path: "/socket.io/")
            try socket.sendText(#"40/custom,{"token":"abc"}"#)
            #expect(try socket.nextText()?.hasPrefix(#"40/custom,{"sid":"#) == true)
            #expect(try socket.nextText() == #"42/custom,["auth",{"token":"abc"}]"#)
            try socket.sendText("40/random,")
            #expect(try socket.nextText() == #"44/random,{"message":"Invalid namespace"}"#)
            try socket.sendText(#"42/custom,["message",1,"2"]"#)
            #expect(try socket.nextText() == #"42/custom,["message-back",1,"2"]"#)
            try socket.sendText("40")
            #expect(try socket.nextText()?.hasPrefix(#"40{"sid":"#) == true)
            #expect(try socket.nextText() == #"42["auth",{}]"#)
            try socket.sendText(#"4212["message-with-ack",true]"#)
            #expect(try socket.nextText() == "4312[true]")
            // An event on /custom after leaving it is out of order: socket.io closes the connection.
            try socket.sendText("41/custom,")
            try socket.sendText(#"42/custom,["message"]"#)
            #expect(socket.closeCode() != nil)
        }
    }

    @Test func connectTimeoutIsMetByAnyNamespace() throws {
        try withProtocolTestServer { server in
            let idle = try session(server, path: "/socket.io/")
            let custom = try session(server, path: "/socket.io/")
            try custom.sendText("40/custom,")
            #expect(try custom.nextText()?.hasPrefix("40/custom,") == true)
            #expect(try custom.nextText() == #"42/custom,["auth",{}]"#)
            // Both answer every ping; at the 1,000 ms connect timeout the idle one is closed, the one
            // connected to /custom only stays.
            let start = ContinuousClock.now
            var idleClosedAfter: Duration?
            while start.duration(to: .now) < .milliseconds(1_800) {
                if idleClosedAfter == nil {
                    switch try? idle.nextMessage(timeout: .milliseconds(20)) {
                    case .text("2")?: try idle.sendText("3")
                    case .close?: idleClosedAfter = start.duration(to: .now)
                    default: break
                    }
                }
                let message = try custom.nextMessage(timeout: .milliseconds(20))
                if message == .text("2") { try custom.sendText("3") }
                #expect(message == nil || message == .text("2"))
            }
            let closedAfter = try #require(idleClosedAfter)
            #expect(closedAfter > .milliseconds(700) && closedAfter < .milliseconds(1_500))
        }
    }
}
