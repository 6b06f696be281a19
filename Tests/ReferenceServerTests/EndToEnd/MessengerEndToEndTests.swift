import Foundation
import MessageStore
import ReferenceServer
import Synchronization
import Testing
import WireCodecs

/// Socket.IO and the messenger over WebSocket sessions (Spec TRANSPORT-1, -2, -6, NAMESPACE-1,
/// JOIN, DELIVER, EXT, ROBUST-1, -3, -5, -6, DURABLE-1).
@Suite struct MessengerEndToEndTests {
    @Test func webSocketSessionConnectsToTheMainNamespace() throws {
        try withServer { server in
            let client = try TestSocketIOClient(port: server.port)
            #expect(client.socketID.count == 20)
            #expect(client.open.upgrades.isEmpty)
            try client.webSocket.sendText("40/admin,")
            let refused = try #require(try client.nextPacket())
            #expect(refused.type == .connectError)
            #expect(refused.namespace == "/admin")
            #expect(try client.join("nina") == .object([]))
        }
    }

    @Test func postReachesEverySessionOfTheReceiverOnly() throws {
        try withServer { server in
            let first = try TestSocketIOClient(port: server.port)
            let second = try TestSocketIOClient(port: server.port)
            let other = try TestSocketIOClient(port: server.port)
            let unjoined = try TestSocketIOClient(port: server.port)
            _ = try first.join("rita")
            _ = try second.join("rita")
            _ = try other.join("otto")
            try postMessage(port: server.port, sender: "sam", receiver: "rita", content: "for rita")
            for client in [first, second] {
                let event = try #require(try client.nextEvent())
                #expect(event.name == "new_message")
                #expect(event.argument?["content"] == .string("for rita"))
                #expect(event.argument?["sender"] == .string("sam"))
            }
            #expect(try other.nextEvent(timeout: .milliseconds(300)) == nil)
            #expect(try unjoined.nextEvent(timeout: .milliseconds(100)) == nil)
            // History groups by the other party.
            let history = try #require(try TestSocketIOClient(port: server.port).join("rita"))
            #expect(history["sam"]?.arrayValue?.first?["content"] == .string("for rita"))
        }
    }

    @Test func badJoinGetsAnErrorEventAndTheSessionStaysUsable() throws {
        try withServer { server in
            let client = try TestSocketIOClient(port: server.port)
            try client.emit("join", "42")
            let error = try #require(try client.nextEvent())
            #expect(error.name == "error")
            #expect(error.argument?["message"]?.stringValue != nil)
            try client.emit("no_such_event", "1")
            #expect(try client.join("later") == .object([]))
        }
    }

    @Test func aFailedHistoryReadAnswersTheJoinWithAnErrorAndALaterJoinWorks() throws {
        try withServer({ configuration in
            configuration.hooks.makeStore = { path, storeConfiguration throws(StorageError) in
                FailingHistoryStore(base: try MessageStore(path: path, configuration: storeConfiguration), failures: 1)
            }
        }) { server in
            _ = try postMessage(port: server.port, sender: "sam", receiver: "fay", content: "before")
            let client = try TestSocketIOClient(port: server.port)
            try client.emit("join", #""fay""#)
            let error = try #require(try client.nextEvent())
            #expect(error.name == "error")
            #expect(error.argument?["message"]?.stringValue?.contains("history") == true)
            // Not bound: a message for fay is not delivered to this session.
            _ = try postMessage(port: server.port, sender: "sam", receiver: "fay", content: "while unbound")
            #expect(try client.nextEvent(timeout: .milliseconds(300)) == nil)
            let history = try #require(try client.join("fay"))
            #expect(history["sam"]?.arrayValue?.map { $0["content"] } == [.string("before"), .string("while unbound")])
            _ = try postMessage(port: server.port, sender: "sam", receiver: "fay", content: "after")
            let event = try #require(try client.nextEvent())
            #expect(event.name == "new_message")
            #expect(event.argument?["content"] == .string("after"))
        }
    }

    @Test func sendMessageIsAcknowledgedAndDelivered() throws {
        try withServer { server in
            let sender = try TestSocketIOClient(port: server.port)
            let receiver = try TestSocketIOClient(port: server.port)
            try sender.emit("send_message", #"{"receiver":"rex","content":"early"}"#, ackID: 1)
            let refused = try #require(try sender.nextPacket())
            #expect(refused.type == .ack && refused.ackID == 1)
            #expect(refused.data?.arrayValue?.first?["error"]?.stringValue != nil)

            _ = try sender.join("sue")
            _ = try receiver.join("rex")
            try sender.emit("send_message", #"{"receiver":"rex","content":"via socket"}"#, ackID: 2)
            let ack = try #require(try sender.nextPacket())
            #expect(ack.type == .ack && ack.ackID == 2)
            #expect(ack.data?.arrayValue?.first?["status"] == .string("success"))
            let event = try #require(try receiver.nextEvent())
            #expect(event.name == "new_message")
            #expect(event.argument?["sender"] == .string("sue"))
            #expect(event.argument?["content"] == .string("via socket"))

            try sender.emit("send_message", #"{"receiver":"rex"}"#, ackID: 3)
            let invalid = try #require(try sender.nextPacket())
            #expect(invalid.ackID == 3 && invalid.data?.arrayValue?.first?["error"]?.stringValue != nil)
        }
    }

    @Test func malformedSocketIOPacketClosesOnlyThatSession() throws {
        try withServer { server in
            let bad = try TestSocketIOClient(port: server.port)
            let good = try TestSocketIOClient(port: server.port)
            _ = try good.join("gabe")
            try bad.webSocket.sendText("4{not a packet")
            #expect(bad.webSocket.closeCode() != nil || bad.webSocket.connection.isClosedByPeer())
            try postMessage(port: server.port, sender: "x", receiver: "gabe", content: "still")
            #expect(try good.nextEvent()?.name == "new_message")
        }
    }

    @Test func unmaskedFrameIsClosedWith1002WhileOthersKeepWorking() throws {
        try withServer { server in
            let bad = try TestSocketIOClient(port: server.port)
            let good = try TestSocketIOClient(port: server.port)
            _ = try good.join("gina")
            var frame: [UInt8] = []
            WebSocketFrame.appendText(#"42["join","x"]"#, to: &frame)  // no masking key
            try bad.webSocket.connection.send(frame)
            #expect(bad.webSocket.closeCode() == WebSocketCloseCode.protocolError)
            try postMessage(port: server.port, sender: "x", receiver: "gina", content: "still")
            #expect(try good.nextEvent()?.name == "new_message")
        }
    }

    @Test func oversizedWebSocketMessageIsClosedWith1009() throws {
        try withServer { server in
            let client = try TestSocketIOClient(port: server.port)
            try client.webSocket.sendText("4" + String(repeating: "x", count: 1_000_001))
            #expect(client.webSocket.closeCode() == WebSocketCloseCode.messageTooBig)
        }
    }

    @Test func stalledReaderIsClosedWhileOthersKeepReceiving() throws {
        try withServer({ $0.maxPendingWriteBytes = 256 * 1024 }) { server in
            let stalled = try TestSocketIOClient(port: server.port, receiveBufferSize: 4096)
            let reader = try TestSocketIOClient(port: server.port)
            _ = try stalled.join("sloth")
            _ = try reader.join("sloth")
            let content = String(repeating: "z", count: 60_000)
            let poster = try TestHTTPClient(port: server.port)
            var received = 0
            for _ in 0..<100 {
                let body = #"{"sender":"x","receiver":"sloth","content":"\#(content)"}"#
                #expect(try poster.send("POST", "/messages", body: body).head.status == 201)
                if try reader.nextEvent()?.name == "new_message" { received += 1 }
            }
            #expect(received == 100)
            // The stalled one was cut off once more than 256 KiB waited for it.
            var isClosed = false
            let deadline = ContinuousClock.now.advanced(by: testTimeout)
            while ContinuousClock.now < deadline {
                do {
                    guard try stalled.webSocket.nextMessage(timeout: .milliseconds(200)) != nil else { continue }
                } catch {
                    isClosed = true
                    break
                }
            }
            #expect(isClosed)
        }
    }

    @Test func historySurvivesARestartOnTheSameDatabase() throws {
        let path = temporaryDatabasePath()
        try withServer(databasePath: path) { server in
            try postMessage(port: server.port, sender: "ann", receiver: "ben", content: "one")
            try postMessage(port: server.port, sender: "ben", receiver: "ann", content: "two")
        }
        try withServer(databasePath: path) { server in
            let history = try #require(try TestSocketIOClient(port: server.port).join("ben"))
            let contents = history["ann"]?.arrayValue?.compactMap { $0["content"]?.stringValue }
            #expect(contents == ["one", "two"])
        }
    }
}

/// The real store, except that the first `failures` history reads fail.
private final class FailingHistoryStore: ServerMessageStore {
    let base: MessageStore
    let failures: Mutex<Int>

    init(base: MessageStore, failures: Int) {
        self.base = base
        self.failures = Mutex(failures)
    }

    func submit(_ message: NewMessage, completion: @escaping MessageWriter.Completion) { base.submit(message, completion: completion) }

    func history(for user: String, completion: @escaping @Sendable (Result<[StoredMessage], StorageError>) -> Void) {
        let fails = failures.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if fails {
            completion(.failure(.database(SQLiteError(code: 10, message: "disk I/O error (injected)"))))
        } else {
            base.history(for: user, completion: completion)
        }
    }

    func closeWriter() { base.closeWriter() }
    var isWriterClosed: Bool { base.isWriterClosed }
    func close() { base.close() }
}
