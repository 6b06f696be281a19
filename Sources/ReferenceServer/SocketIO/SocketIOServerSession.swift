import WireCodecs

/// The server side of the Socket.IO v5 protocol over one Engine.IO session.
///
/// Socket.IO v5 "Exchange protocol" (connection to a namespace, sending and receiving data,
/// acknowledgement, disconnection); where the document is silent it follows the Node.js
/// socket.io server (`lib/client.ts`, `lib/socket.ts`) and socket-io-parser's payload checks.
/// One session serves one namespace (`configuration.namespace`, default `/`): a CONNECT elsewhere is
/// answered `CONNECT_ERROR {"message":"Invalid namespace"}`. Inputs are decoded packets (or the news
/// that decoding failed); outputs are actions. The clock is passed in.
public struct SocketIOServerSession: Sendable {
    public typealias Action = SocketIOServerAction

    /// Refusals of `emit`.
    public enum EmitError: Error, Sendable, Equatable {
        /// Names the Socket.IO client reserves for itself (socket.io `RESERVED_EVENTS`).
        case reservedEventName(String)
    }

    /// Event names a peer may not use (socket-io-parser `RESERVED_EVENTS`).
    public static let reservedEventNames: Set<String> = [
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    ]

    /// The id of the Engine.IO session below.
    public let engineIOSessionID: String
    public let configuration: SocketIOServerConfiguration
    /// The socket id given to the client at CONNECT (distinct from the Engine.IO sid), while
    /// connected to the session's namespace.
    public private(set) var socketID: String?
    /// Set once the whole session (Engine.IO included) is over or being closed.
    public private(set) var isClosed = false
    public var isConnected: Bool { socketID != nil }

    private let makeSocketID: @Sendable () -> String
    /// A binary packet waiting for its attachments.
    private var reconstructing: (packet: SocketIOPacket, attachments: [[UInt8]])?
    /// Ack ids the client asked for and the application has not answered yet.
    private var pendingClientAcks: Set<Int> = []
    /// Ack ids of our `emitWithAck` calls still waiting for the client.
    private var pendingServerAcks: Set<Int> = []
    private var nextAckID = 0
    private var connectDeadline: EngineIOInstant?
    /// The auth payload of a CONNECT waiting for `approveConnect()` or `refuseConnect(message:)`.
    private var pendingConnectAuth: JSONValue??

    private init(engineIOSessionID: String, configuration: SocketIOServerConfiguration, makeSocketID: @escaping @Sendable () -> String) {
        self.engineIOSessionID = engineIOSessionID
        self.configuration = configuration
        self.makeSocketID = makeSocketID
    }

    /// Starts the Socket.IO layer once the Engine.IO handshake is done.
    ///
    /// The client must CONNECT within `connectTimeout`. `makeSocketID` draws a fresh socket id
    /// for every CONNECT (default: random 20-character ids, like Node's `base64id`).
    public static func open(
        engineIOSessionID: String,
        configuration: SocketIOServerConfiguration = .standard,
        now: EngineIOInstant,
        makeSocketID: @escaping @Sendable () -> String = { EngineIOSessionID.make() }
    ) -> (session: SocketIOServerSession, actions: [Action]) {
        var session = SocketIOServerSession(engineIOSessionID: engineIOSessionID, configuration: configuration, makeSocketID: makeSocketID)
        let deadline = now.advanced(byMilliseconds: configuration.connectTimeout)
        session.connectDeadline = deadline
        return (session, [.scheduleTimer(at: deadline)])
    }

    // MARK: - From the client

    /// A Socket.IO packet decoded from an Engine.IO `message`.
    ///
    /// Payloads are checked as socket-io-parser does (CONNECT: object or nothing; DISCONNECT:
    /// nothing; EVENT: a non-empty array whose first element is a string that is not
    /// reserved, or a number; ACK: an array); a failed check is a parse error. Binary packets
    /// wait for their `attachmentCount` binary messages (`onBinaryAttachment`).
    public mutating func onPacket(_ packet: SocketIOPacket, now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        // socket-io-parser: "got plaintext data when reconstructing a packet"
        guard reconstructing == nil, Self.isPayloadValid(packet), packet.attachmentCount >= 0 else {
            return fail(.parseError)
        }
        switch packet.type {
        case .binaryEvent, .binaryAck:
            guard packet.attachmentCount <= configuration.maxAttachments else { return fail(.parseError) }
            if packet.attachmentCount > 0 {
                reconstructing = (packet, [])
                return []
            }
            return dispatch(packet, attachments: [], now: now)
        default:
            guard packet.attachmentCount == 0 else { return fail(.parseError) }
            return dispatch(packet, attachments: [], now: now)
        }
    }

    /// An Engine.IO binary message: the next attachment of the binary packet being assembled.
    ///
    /// Without such a packet it is a parse error (socket-io-parser: "got binary data when
    /// not reconstructing a packet"). With the last attachment the packet is delivered, after
    /// checking that every placeholder names an attachment ("illegal attachments").
    public mutating func onBinaryAttachment(_ bytes: [UInt8], now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        guard var pending = reconstructing else { return fail(.parseError) }
        pending.attachments.append(bytes)
        guard pending.attachments.count == pending.packet.attachmentCount else {
            reconstructing = pending
            return []
        }
        reconstructing = nil
        guard Self.placeholdersAreValid(pending.packet.data, attachmentCount: pending.attachments.count) else {
            return fail(.parseError)
        }
        return dispatch(pending.packet, attachments: pending.attachments, now: now)
    }

    /// An Engine.IO `message` did not decode as a Socket.IO packet: the socket is disconnected
    /// and this Engine.IO session (only this one) is closed, reason "parse error".
    public mutating func onMalformedPacket(now: EngineIOInstant) -> [Action] {
        guard !isClosed else { return [] }
        return fail(.parseError)
    }

    /// The Engine.IO session below ended: the socket is disconnected with the same reason.
    public mutating func onEngineIOClosed(reason: EngineIOCloseReason) -> [Action] {
        guard !isClosed else { return [] }
        isClosed = true
        connectDeadline = nil
        reconstructing = nil
        guard isConnected else { return [] }
        socketID = nil
        return [.disconnected(reason: SocketIODisconnectReason(reason))]
    }

    /// Runs the connect timeout: no CONNECT by then closes the Engine.IO session.
    public mutating func onTimer(now: EngineIOInstant) -> [Action] {
        guard !isClosed, let connectDeadline else { return [] }
        guard now >= connectDeadline else { return [.scheduleTimer(at: connectDeadline)] }
        self.connectDeadline = nil
        isClosed = true
        return [.closeEngineIO(reason: .forcedClose)]
    }

    // MARK: - From the application

    /// Accepts the CONNECT reported by `.connectRequested`: answers CONNECT with a fresh socket id
    /// and reports `.connected`. Nothing when no CONNECT waits.
    public mutating func approveConnect() -> [Action] {
        guard !isClosed, !isConnected, let auth = pendingConnectAuth else { return [] }
        pendingConnectAuth = nil
        return acceptConnect(auth: auth)
    }

    /// Refuses the CONNECT reported by `.connectRequested` with `CONNECT_ERROR {"message":…}` for `/`
    /// (socket.io middleware's `next(new Error(message))`; Spec AUTH-2). The session stays unconnected
    /// and the connect timeout keeps running: the client may CONNECT again. Nothing when no CONNECT waits.
    public mutating func refuseConnect(message: String) -> [Action] {
        guard !isClosed, pendingConnectAuth != nil else { return [] }
        pendingConnectAuth = nil
        let error = JSONValue.object([JSONMember("message", .string(message))])
        return [.send(SocketIOPacket(type: .connectError, namespace: configuration.namespace, data: error))]
    }

    /// Emits an event to the client: `2["name",...arguments]`. Nothing when not connected.
    ///
    /// With `attachments` (the arguments holding `{"_placeholder":true,"num":N}` objects) it is a
    /// BINARY_EVENT `5<count>-[...]` followed by one `.sendAttachment` per attachment.
    public mutating func emit(_ event: String, _ arguments: [JSONValue], attachments: [[UInt8]] = []) throws(EmitError) -> [Action] {
        guard !Self.reservedEventNames.contains(event) else { throw .reservedEventName(event) }
        guard isConnected, !isClosed else { return [] }
        return packet(.event, data: .array([.string(event)] + arguments), ackID: nil, attachments: attachments)
    }

    /// Emits an event that asks for an acknowledgement: `2<id>["name",...]`.
    ///
    /// The client's answer comes back as `ack(id:arguments:attachments:)`. Ids count up from
    /// 0 per session. Nil id and no actions when not connected.
    public mutating func emitWithAck(_ event: String, _ arguments: [JSONValue]) throws(EmitError) -> (ackID: Int?, actions: [Action]) {
        guard !Self.reservedEventNames.contains(event) else { throw .reservedEventName(event) }
        guard isConnected, !isClosed else { return (nil, []) }
        let id = nextAckID
        nextAckID = nextAckID == Int.max ? 0 : nextAckID + 1
        pendingServerAcks.insert(id)
        return (id, packet(.event, data: .array([.string(event)] + arguments), ackID: id, attachments: []))
    }

    /// Answers an event the client emitted with an ack id: `3<id>[...arguments]`.
    ///
    /// Each id is answered at most once (Node's `sent` flag); unknown or repeated ids, or a
    /// disconnected socket, give no actions.
    /// With `attachments` it is a BINARY_ACK `6<count>-<id>[...]` followed by the attachments.
    public mutating func acknowledge(_ ackID: Int, with arguments: [JSONValue], attachments: [[UInt8]] = []) -> [Action] {
        guard isConnected, !isClosed, pendingClientAcks.remove(ackID) != nil else { return [] }
        return packet(.ack, data: .array(arguments), ackID: ackID, attachments: attachments)
    }

    /// Disconnects the socket from the server side: sends DISCONNECT (`1`), reports
    /// "server namespace disconnect", and with `closeEngineIO` also closes the connection.
    public mutating func disconnect(closeEngineIO: Bool = false) -> [Action] {
        guard !isClosed else { return [] }
        var actions: [Action] = []
        if isConnected {
            actions.append(.send(SocketIOPacket(type: .disconnect, namespace: configuration.namespace)))
            actions.append(.disconnected(reason: .serverNamespaceDisconnect))
            resetSocket()
        }
        if closeEngineIO {
            isClosed = true
            connectDeadline = nil
            actions.append(.closeEngineIO(reason: .forcedClose))
        }
        return actions
    }

    // MARK: - Internals

    /// An EVENT or ACK in the session's namespace; with attachments its binary form and the attachments.
    private func packet(_ type: SocketIOPacketType, data: JSONValue, ackID: Int?, attachments: [[UInt8]]) -> [Action] {
        let binaryType: SocketIOPacketType = type == .ack ? .binaryAck : .binaryEvent
        let packet = SocketIOPacket(
            type: attachments.isEmpty ? type : binaryType, namespace: configuration.namespace, data: data, ackID: ackID,
            attachmentCount: attachments.count)
        return [.send(packet)] + attachments.map { .sendAttachment($0) }
    }

    /// Routes a complete packet, as socket.io `Client.ondecoded` then `Socket._onpacket`.
    private mutating func dispatch(_ packet: SocketIOPacket, attachments: [[UInt8]], now: EngineIOInstant) -> [Action] {
        let hasSocket = packet.namespace == configuration.namespace && isConnected
        if !hasSocket && packet.type == .connect {
            return connect(packet)
        }
        guard hasSocket, packet.type != .connect, packet.type != .connectError else {
            // Node: "invalid state" -> client.close(): the transport is closed.
            return fail(.forcedClose, socketReason: .forcedServerClose)
        }
        switch packet.type {
        case .event, .binaryEvent:
            guard case .array(let elements)? = packet.data, let first = elements.first,
                  let name = Self.eventName(first)
            else { return fail(.parseError) }
            if let ackID = packet.ackID { pendingClientAcks.insert(ackID) }
            return [.event(name: name, arguments: Array(elements.dropFirst()), ackID: packet.ackID, attachments: attachments)]
        case .ack, .binaryAck:
            // Node: an ack for an unknown id is dropped ("bad ack").
            guard let id = packet.ackID, pendingServerAcks.remove(id) != nil else { return [] }
            return [.ack(id: id, arguments: packet.data?.arrayValue ?? [], attachments: attachments)]
        case .disconnect:
            resetSocket()
            return [.disconnected(reason: .clientNamespaceDisconnect)]
        case .connect, .connectError:
            return []  // excluded by the guard above
        }
    }

    private mutating func connect(_ packet: SocketIOPacket) -> [Action] {
        guard packet.namespace == configuration.namespace else {
            let error = JSONValue.object([JSONMember("message", .string("Invalid namespace"))])
            return [.send(SocketIOPacket(type: .connectError, namespace: packet.namespace, data: error))]
        }
        if configuration.requiresConnectApproval {
            // A second CONNECT while one waits: the later one replaces it.
            pendingConnectAuth = .some(packet.data)
            return [.connectRequested(auth: packet.data)]
        }
        return acceptConnect(auth: packet.data)
    }

    private mutating func acceptConnect(auth: JSONValue?) -> [Action] {
        let id = makeSocketID()
        socketID = id
        connectDeadline = nil
        return [
            .send(SocketIOPacket(type: .connect, namespace: configuration.namespace, data: .object([JSONMember("sid", .string(id))]))),
            .connected(socketID: id, auth: auth),
        ]
    }

    /// Ends everything: reports the disconnection (if connected) and closes Engine.IO.
    private mutating func fail(_ reason: EngineIOCloseReason, socketReason: SocketIODisconnectReason? = nil) -> [Action] {
        var actions: [Action] = []
        if isConnected {
            actions.append(.disconnected(reason: socketReason ?? SocketIODisconnectReason(reason)))
            resetSocket()
        }
        isClosed = true
        connectDeadline = nil
        reconstructing = nil
        actions.append(.closeEngineIO(reason: reason))
        return actions
    }

    private mutating func resetSocket() {
        socketID = nil
        pendingClientAcks.removeAll()
        pendingServerAcks.removeAll()
    }

    /// socket-io-parser `isPayloadValid`.
    static func isPayloadValid(_ packet: SocketIOPacket) -> Bool {
        switch packet.type {
        case .connect:
            guard let data = packet.data else { return true }
            return data.objectMembers != nil
        case .disconnect:
            return packet.data == nil
        case .connectError:
            guard let data = packet.data else { return true }
            return data.stringValue != nil || data.objectMembers != nil
        case .event, .binaryEvent:
            guard case .array(let elements)? = packet.data, let first = elements.first else { return false }
            return eventName(first) != nil
        case .ack, .binaryAck:
            guard let data = packet.data else { return true }
            return data.arrayValue != nil
        }
    }

    /// The event name of the first array element: a non-reserved string, or a number.
    static func eventName(_ value: JSONValue) -> String? {
        switch value {
        case .string(let name):
            return reservedEventNames.contains(name) ? nil : name
        case .number(let number):
            guard number.isFinite else { return nil }
            if let integer = integral(number) { return String(integer) }
            return String(number)
        default:
            return nil
        }
    }

    /// The integer a double holds exactly, if any (without libm, which executables here do
    /// not link: `rounded()` and `Int64(exactly:)` call `round`/`trunc`).
    static func integral(_ number: Double) -> Int64? {
        guard number > -9.0e18, number < 9.0e18 else { return nil }
        let integer = Int64(number)  // in range: a plain conversion, truncating
        return Double(integer) == number ? integer : nil
    }

    /// Every `{"_placeholder":true,"num":N}` has an integral N in `0..<attachmentCount`.
    static func placeholdersAreValid(_ value: JSONValue?, attachmentCount: Int) -> Bool {
        guard let value else { return true }
        switch value {
        case .array(let elements):
            return elements.allSatisfy { placeholdersAreValid($0, attachmentCount: attachmentCount) }
        case .object(let members):
            if value["_placeholder"] == .bool(true) {
                guard let number = value["num"]?.numberValue, let index = integral(number) else { return false }
                return index >= 0 && index < Int64(attachmentCount)
            }
            return members.allSatisfy { placeholdersAreValid($0.value, attachmentCount: attachmentCount) }
        default:
            return true
        }
    }
}
