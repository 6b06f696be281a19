import Testing
import WireCodecs
@testable import ReferenceServer

private func at(_ milliseconds: Int64) -> EngineIOInstant { EngineIOInstant(milliseconds: milliseconds) }

/// A session serving `/custom` (`SocketIOServerConfiguration.namespace`), connected as "custom-sid".
private func customSession(connect: Bool = true) -> SocketIOServerSession {
    let configuration = SocketIOServerConfiguration(maxAttachments: 3, connectTimeout: 1_000, namespace: "/custom")
    var session = SocketIOServerSession.open(
        engineIOSessionID: "engine-sid", configuration: configuration, now: at(0), makeSocketID: { "custom-sid" }
    ).session
    if connect { _ = session.onPacket(SocketIOPacket(type: .connect, namespace: "/custom"), now: at(1)) }
    return session
}

private func mainSession() -> SocketIOServerSession {
    var session = SocketIOServerSession.open(
        engineIOSessionID: "engine-sid", configuration: SocketIOServerConfiguration(maxAttachments: 3, connectTimeout: 1_000),
        now: at(0), makeSocketID: { "socket-sid" }
    ).session
    _ = session.onPacket(SocketIOPacket(type: .connect), now: at(1))
    return session
}

private let placeholder0 = JSONValue.object([JSONMember("_placeholder", .bool(true)), JSONMember("num", .number(0))])

@Suite struct SocketIOServerSessionNamespaceTests {
    @Test func sessionOfCustomNamespaceAnswersItsConnectInItsNamespace() {
        var session = customSession(connect: false)
        let auth = JSONValue.object([JSONMember("token", .string("abc"))])
        let actions = session.onPacket(SocketIOPacket(type: .connect, namespace: "/custom", data: auth), now: at(5))
        let answer = SocketIOPacket(type: .connect, namespace: "/custom", data: .object([JSONMember("sid", .string("custom-sid"))]))
        #expect(actions == [.send(answer), .connected(socketID: "custom-sid", auth: auth)])
        #expect(answer.encoded() == #"0/custom,{"sid":"custom-sid"}"#)
    }

    @Test func sessionOfCustomNamespaceRefusesMainNamespace() {
        var session = customSession(connect: false)
        let error = JSONValue.object([JSONMember("message", .string("Invalid namespace"))])
        #expect(session.onPacket(SocketIOPacket(type: .connect), now: at(5)) == [.send(SocketIOPacket(type: .connectError, namespace: "/", data: error))])
        #expect(!session.isConnected)
    }

    @Test func eventsAcksAndDisconnectCarryTheNamespace() throws {
        var session = customSession()
        let emitted = try session.emit("auth", [.object([])])
        #expect(emitted == [.send(SocketIOPacket(type: .event, namespace: "/custom", data: .array([.string("auth"), .object([])])))])
        let event = SocketIOPacket(type: .event, namespace: "/custom", data: .array([.string("message-with-ack"), .number(1)]), ackID: 7)
        #expect(session.onPacket(event, now: at(2)) == [.event(name: "message-with-ack", arguments: [.number(1)], ackID: 7, attachments: [])])
        #expect(session.acknowledge(7, with: [.number(1)]) == [.send(SocketIOPacket(type: .ack, namespace: "/custom", data: .array([.number(1)]), ackID: 7))])
        #expect(session.disconnect() == [.send(SocketIOPacket(type: .disconnect, namespace: "/custom")), .disconnected(reason: .serverNamespaceDisconnect)])
    }

    @Test func eventOfAnotherNamespaceClosesLikeSocketIO() {
        // A packet for a namespace the session does not serve is out of order: socket.io closes.
        var session = customSession()
        let event = SocketIOPacket(type: .event, data: .array([.string("message")]))
        #expect(session.onPacket(event, now: at(2)) == [.disconnected(reason: .forcedServerClose), .closeEngineIO(reason: .forcedClose)])
    }

    @Test func clientDisconnectOfCustomNamespaceLeavesItReconnectable() {
        var session = customSession()
        #expect(session.onPacket(SocketIOPacket(type: .disconnect, namespace: "/custom"), now: at(2)) == [.disconnected(reason: .clientNamespaceDisconnect)])
        #expect(!session.isConnected && !session.isClosed)
        let actions = session.onPacket(SocketIOPacket(type: .connect, namespace: "/custom"), now: at(3))
        #expect(actions.last == .connected(socketID: "custom-sid", auth: nil))
    }

    @Test func emitWithAttachmentsIsABinaryEventFollowedByItsAttachments() throws {
        var session = mainSession()
        let actions = try session.emit("message-back", [placeholder0], attachments: [[1, 2, 3]])
        let packet = SocketIOPacket(type: .binaryEvent, data: .array([.string("message-back"), placeholder0]), attachmentCount: 1)
        #expect(actions == [.send(packet), .sendAttachment([1, 2, 3])])
        #expect(packet.encoded() == #"51-["message-back",{"_placeholder":true,"num":0}]"#)
        // Without attachments: the plain EVENT, as before.
        #expect(try session.emit("message-back", [.number(1)]) == [.send(SocketIOPacket(type: .event, data: .array([.string("message-back"), .number(1)])))])
    }

    @Test func acknowledgeWithAttachmentsIsABinaryAckFollowedByItsAttachments() {
        var session = mainSession()
        let event = SocketIOPacket(type: .binaryEvent, data: .array([.string("message-with-ack"), placeholder0]), ackID: 789, attachmentCount: 1)
        #expect(session.onPacket(event, now: at(2)) == [])
        #expect(session.onBinaryAttachment([4, 5, 6], now: at(3)) == [.event(name: "message-with-ack", arguments: [placeholder0], ackID: 789, attachments: [[4, 5, 6]])])
        let actions = session.acknowledge(789, with: [placeholder0], attachments: [[4, 5, 6]])
        let ack = SocketIOPacket(type: .binaryAck, data: .array([placeholder0]), ackID: 789, attachmentCount: 1)
        #expect(actions == [.send(ack), .sendAttachment([4, 5, 6])])
        #expect(ack.encoded() == #"61-789[{"_placeholder":true,"num":0}]"#)
        // Answered once only.
        #expect(session.acknowledge(789, with: [], attachments: [[1]]) == [])
    }
}
