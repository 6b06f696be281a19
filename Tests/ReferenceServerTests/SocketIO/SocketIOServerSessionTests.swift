import Testing
import WireCodecs
@testable import ReferenceServer

private func at(_ milliseconds: Int64) -> EngineIOInstant { EngineIOInstant(milliseconds: milliseconds) }

private let configuration = SocketIOServerConfiguration(maxAttachments: 3, connectTimeout: 1_000)

private func openSession() -> SocketIOServerSession {
    let (session, actions) = SocketIOServerSession.open(
        engineIOSessionID: "engine-sid", configuration: configuration, now: at(0), makeSocketID: { "socket-sid" }
    )
    #expect(actions == [.scheduleTimer(at: at(1_000))])
    return session
}

private func connected() -> SocketIOServerSession {
    var session = openSession()
    _ = session.onPacket(SocketIOPacket(type: .connect), now: at(1))
    return session
}

private func event(_ name: String, _ arguments: [JSONValue] = [], ackID: Int? = nil, namespace: String = "/") -> SocketIOPacket {
    SocketIOPacket(type: .event, namespace: namespace, data: .array([.string(name)] + arguments), ackID: ackID)
}

private let placeholder0 = JSONValue.object([JSONMember("_placeholder", .bool(true)), JSONMember("num", .number(0))])
private let placeholder1 = JSONValue.object([JSONMember("_placeholder", .bool(true)), JSONMember("num", .number(1))])

@Suite struct SocketIOServerSessionTests {
    // MARK: Connect

    @Test func connectToMainNamespaceAnswersWithFreshSid() {
        var session = openSession()
        let auth = JSONValue.object([JSONMember("token", .string("t"))])
        let actions = session.onPacket(SocketIOPacket(type: .connect, data: auth), now: at(5))
        let answer = SocketIOPacket(type: .connect, data: .object([JSONMember("sid", .string("socket-sid"))]))
        #expect(actions == [.send(answer), .connected(socketID: "socket-sid", auth: auth)])
        #expect(session.socketID == "socket-sid")
        #expect(session.socketID != session.engineIOSessionID)
        #expect(session.isConnected)
        // Connected: the connect timeout no longer applies.
        #expect(session.onTimer(now: at(1_000)) == [])
        #expect(!session.isClosed)
    }

    @Test func connectWaitsForApprovalWhenRequired() {
        let approving = SocketIOServerConfiguration(maxAttachments: 3, connectTimeout: 1_000, requiresConnectApproval: true)
        var session = SocketIOServerSession.open(engineIOSessionID: "e", configuration: approving, now: at(0), makeSocketID: { "s" }).session
        let auth = JSONValue.object([JSONMember("token", .string("t"))])
        #expect(session.onPacket(SocketIOPacket(type: .connect, data: auth), now: at(5)) == [.connectRequested(auth: auth)])
        #expect(!session.isConnected)
        // Refused: CONNECT_ERROR for /, still unconnected, the connect timeout still runs (Spec AUTH-2).
        let error = JSONValue.object([JSONMember("message", .string("authentication failed"))])
        #expect(session.refuseConnect(message: "authentication failed") == [.send(SocketIOPacket(type: .connectError, namespace: "/", data: error))])
        #expect(!session.isConnected)
        #expect(session.refuseConnect(message: "again") == [])  // nothing waits any more
        #expect(session.approveConnect() == [])
        // A second CONNECT, approved.
        #expect(session.onPacket(SocketIOPacket(type: .connect, data: auth), now: at(6)) == [.connectRequested(auth: auth)])
        let answer = SocketIOPacket(type: .connect, data: .object([JSONMember("sid", .string("s"))]))
        #expect(session.approveConnect() == [.send(answer), .connected(socketID: "s", auth: auth)])
        #expect(session.isConnected)
        #expect(session.onTimer(now: at(1_000)) == [])
    }

    @Test func unapprovedConnectTimesOut() {
        let approving = SocketIOServerConfiguration(maxAttachments: 3, connectTimeout: 1_000, requiresConnectApproval: true)
        var session = SocketIOServerSession.open(engineIOSessionID: "e", configuration: approving, now: at(0)).session
        _ = session.onPacket(SocketIOPacket(type: .connect), now: at(5))
        _ = session.refuseConnect(message: "no token")
        #expect(session.onTimer(now: at(1_000)) == [.closeEngineIO(reason: .forcedClose)])
    }

    @Test func defaultSocketIDsAreRandomAndDistinctFromEngineSid() {
        var session = SocketIOServerSession.open(engineIOSessionID: "engine-sid", now: at(0)).session
        let actions = session.onPacket(SocketIOPacket(type: .connect), now: at(1))
        guard case .connected(let id, nil)? = actions.last else {
            Issue.record("expected connected, got \(actions)")
            return
        }
        #expect(id.utf8.count == 20)
        #expect(id != "engine-sid")
    }

    @Test func connectToOtherNamespaceIsInvalidNamespace() {
        var session = openSession()
        let actions = session.onPacket(SocketIOPacket(type: .connect, namespace: "/admin"), now: at(5))
        let error = JSONValue.object([JSONMember("message", .string("Invalid namespace"))])
        #expect(actions == [.send(SocketIOPacket(type: .connectError, namespace: "/admin", data: error))])
        #expect(!session.isConnected)
        #expect(!session.isClosed)
        // The client may still connect to "/" afterwards.
        #expect(session.onPacket(SocketIOPacket(type: .connect), now: at(6)).last == .connected(socketID: "socket-sid", auth: nil))
    }

    @Test func connectTimeoutClosesTheConnection() {
        var session = openSession()
        #expect(session.onTimer(now: at(999)) == [.scheduleTimer(at: at(1_000))])
        #expect(session.onTimer(now: at(1_000)) == [.closeEngineIO(reason: .forcedClose)])
        #expect(session.isClosed)
    }

    @Test func connectPayloadMustBeAnObject() {
        var session = openSession()
        #expect(session.onPacket(SocketIOPacket(type: .connect, data: .string("x")), now: at(1)) == [.closeEngineIO(reason: .parseError)])
    }

    // MARK: Packet order errors (Node: "invalid state", client.close())

    @Test func eventBeforeConnectClosesTheConnection() {
        var session = openSession()
        #expect(session.onPacket(event("join", [.string("ann")]), now: at(1)) == [.closeEngineIO(reason: .forcedClose)])
        #expect(session.isClosed)
        #expect(session.onPacket(SocketIOPacket(type: .connect), now: at(2)) == [])
    }

    @Test func ackBeforeConnectClosesTheConnection() {
        var session = openSession()
        #expect(session.onPacket(SocketIOPacket(type: .ack, data: .array([]), ackID: 0), now: at(1)) == [.closeEngineIO(reason: .forcedClose)])
    }

    @Test func secondConnectClosesTheConnection() {
        var session = connected()
        let actions = session.onPacket(SocketIOPacket(type: .connect), now: at(2))
        #expect(actions == [.disconnected(reason: .forcedServerClose), .closeEngineIO(reason: .forcedClose)])
    }

    @Test func connectErrorFromClientClosesTheConnection() {
        var session = connected()
        let actions = session.onPacket(SocketIOPacket(type: .connectError, data: .string("x")), now: at(2))
        #expect(actions == [.disconnected(reason: .forcedServerClose), .closeEngineIO(reason: .forcedClose)])
    }

    @Test func eventOnUnconnectedNamespaceClosesTheConnection() {
        var session = connected()
        let actions = session.onPacket(event("x", namespace: "/chat"), now: at(2))
        #expect(actions == [.disconnected(reason: .forcedServerClose), .closeEngineIO(reason: .forcedClose)])
    }

    // MARK: Events and acks

    @Test func eventIsDelivered() {
        var session = connected()
        let actions = session.onPacket(event("join", [.string("ann")]), now: at(2))
        #expect(actions == [.event(name: "join", arguments: [.string("ann")], ackID: nil, attachments: [])])
    }

    @Test func numericEventNameIsDeliveredAsText() {
        var session = connected()
        let packet = SocketIOPacket(type: .event, data: .array([.number(42), .null]))
        #expect(session.onPacket(packet, now: at(2)) == [.event(name: "42", arguments: [.null], ackID: nil, attachments: [])])
    }

    @Test(arguments: [
        JSONValue.array([]),
        .array([.string("connect")]),
        .array([.string("disconnect"), .null]),
        .array([.bool(true)]),
        .object([]),
        .string("join"),
    ])
    func invalidEventPayloadIsAParseError(_ data: JSONValue) {
        var session = connected()
        let actions = session.onPacket(SocketIOPacket(type: .event, data: data), now: at(2))
        #expect(actions == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    @Test func eventWithAckIsAcknowledgedOnce() {
        var session = connected()
        #expect(session.onPacket(event("join", [.string("ann")], ackID: 7), now: at(2))
            == [.event(name: "join", arguments: [.string("ann")], ackID: 7, attachments: [])])
        #expect(session.acknowledge(7, with: [.string("ok")]) == [.send(SocketIOPacket(type: .ack, data: .array([.string("ok")]), ackID: 7))])
        #expect(session.acknowledge(7, with: [.string("again")]) == [])
        #expect(session.acknowledge(8, with: []) == [])
    }

    @Test func emitSendsAnEventPacket() throws {
        var session = connected()
        let actions = try session.emit("new_message", [.object([JSONMember("content", .string("hi"))])])
        #expect(actions == [.send(event("new_message", [.object([JSONMember("content", .string("hi"))])]))])
        #expect(throws: SocketIOServerSession.EmitError.reservedEventName("connect")) { try session.emit("connect", []) }
    }

    @Test func emitBeforeConnectSendsNothing() throws {
        var session = openSession()
        #expect(try session.emit("all_messages", []) == [])
        #expect(try session.emitWithAck("x", []).ackID == nil)
    }

    @Test func emitWithAckMatchesTheClientsAck() throws {
        var session = connected()
        let first = try session.emitWithAck("ping", [])
        let second = try session.emitWithAck("ping", [])
        #expect(first.ackID == 0)
        #expect(second.ackID == 1)
        #expect(first.actions == [.send(event("ping", ackID: 0))])
        #expect(session.onPacket(SocketIOPacket(type: .ack, data: .array([.string("pong")]), ackID: 1), now: at(3))
            == [.ack(id: 1, arguments: [.string("pong")], attachments: [])])
        // A repeated or unknown ack is dropped, as Node's "bad ack".
        #expect(session.onPacket(SocketIOPacket(type: .ack, data: .array([]), ackID: 1), now: at(4)) == [])
        #expect(session.onPacket(SocketIOPacket(type: .ack, data: .array([]), ackID: 99), now: at(4)) == [])
        #expect(!session.isClosed)
    }

    // MARK: Binary attachments

    @Test func binaryEventIsAssembledFromItsAttachments() {
        var session = connected()
        let header = SocketIOPacket(type: .binaryEvent, data: .array([.string("upload"), placeholder0, placeholder1]), ackID: 3, attachmentCount: 2)
        #expect(session.onPacket(header, now: at(2)) == [])
        #expect(session.onBinaryAttachment([1, 2], now: at(3)) == [])
        #expect(session.onBinaryAttachment([3], now: at(4))
            == [.event(name: "upload", arguments: [placeholder0, placeholder1], ackID: 3, attachments: [[1, 2], [3]])])
        // The session goes on normally afterwards.
        #expect(session.onPacket(event("join"), now: at(5)) == [.event(name: "join", arguments: [], ackID: nil, attachments: [])])
        #expect(session.acknowledge(3, with: []) == [.send(SocketIOPacket(type: .ack, data: .array([]), ackID: 3))])
    }

    @Test func binaryEventWithoutAttachmentsIsDeliveredAtOnce() {
        var session = connected()
        let packet = SocketIOPacket(type: .binaryEvent, data: .array([.string("x")]), attachmentCount: 0)
        #expect(session.onPacket(packet, now: at(2)) == [.event(name: "x", arguments: [], ackID: nil, attachments: [])])
    }

    @Test func binaryAckIsAssembled() throws {
        var session = connected()
        _ = try session.emitWithAck("get", [])
        let header = SocketIOPacket(type: .binaryAck, data: .array([placeholder0]), ackID: 0, attachmentCount: 1)
        #expect(session.onPacket(header, now: at(2)) == [])
        #expect(session.onBinaryAttachment([9], now: at(3)) == [.ack(id: 0, arguments: [placeholder0], attachments: [[9]])])
    }

    @Test func unexpectedBinaryMessageIsAParseError() {
        var session = connected()
        #expect(session.onBinaryAttachment([1], now: at(2)) == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    @Test func textPacketWhileAssemblingIsAParseError() {
        var session = connected()
        _ = session.onPacket(SocketIOPacket(type: .binaryEvent, data: .array([.string("u"), placeholder0]), attachmentCount: 1), now: at(2))
        #expect(session.onPacket(event("join"), now: at(3)) == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    @Test func tooManyAttachmentsIsAParseError() {
        var session = connected()
        let header = SocketIOPacket(type: .binaryEvent, data: .array([.string("u")]), attachmentCount: 4)
        #expect(session.onPacket(header, now: at(2)) == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    @Test func placeholderOutOfRangeIsAParseError() {
        var session = connected()
        _ = session.onPacket(SocketIOPacket(type: .binaryEvent, data: .array([.string("u"), placeholder1]), attachmentCount: 1), now: at(2))
        #expect(session.onBinaryAttachment([0], now: at(3)) == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    // MARK: Disconnect and errors

    @Test func clientDisconnectKeepsTheEngineIOSession() throws {
        var session = connected()
        #expect(session.onPacket(SocketIOPacket(type: .disconnect), now: at(2)) == [.disconnected(reason: .clientNamespaceDisconnect)])
        #expect(!session.isConnected)
        #expect(!session.isClosed)
        #expect(try session.emit("x", []) == [])
    }

    @Test func disconnectWithDataIsAParseError() {
        var session = connected()
        let actions = session.onPacket(SocketIOPacket(type: .disconnect, data: .array([])), now: at(2))
        #expect(actions == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
    }

    @Test func serverDisconnect() {
        var session = connected()
        #expect(session.disconnect(closeEngineIO: true)
            == [.send(SocketIOPacket(type: .disconnect)), .disconnected(reason: .serverNamespaceDisconnect), .closeEngineIO(reason: .forcedClose)])
        #expect(session.isClosed)
    }

    @Test func malformedPacketClosesOnlyThisSessionWithParseError() {
        var session = connected()
        #expect(session.onMalformedPacket(now: at(2)) == [.disconnected(reason: .parseError), .closeEngineIO(reason: .parseError)])
        #expect(session.onMalformedPacket(now: at(3)) == [])
        var before = openSession()
        #expect(before.onMalformedPacket(now: at(2)) == [.closeEngineIO(reason: .parseError)])
    }

    @Test(arguments: EngineIOCloseReason.allCases)
    func engineIOCloseDisconnectsWithTheSameReason(_ reason: EngineIOCloseReason) {
        var session = connected()
        #expect(session.onEngineIOClosed(reason: reason) == [.disconnected(reason: SocketIODisconnectReason(reason))])
        #expect(SocketIODisconnectReason(reason).rawValue == reason.rawValue)
        #expect(session.isClosed)
        #expect(session.onEngineIOClosed(reason: reason) == [])
    }
}
