import ConformanceKit
import NetworkCore
import WireCodecs

/// One bench session: a loop-confined state machine over one WebSocket connection, from the
/// upgrade to a joined Socket.IO session (no async task per session, so one loop drives thousands).
///
/// Engine.IO v4 over WebSocket (`transport=websocket`): open packet, Socket.IO CONNECT to `/`,
/// `join`, `all_messages`, then `new_message` events; pings are answered at once. RFC 6455 §5.3:
/// client frames are masked (keys from a per-session generator: unpredictable enough for a bench,
/// and free of a system call per frame).
final class BenchSocketSession: ConnectionHandler {
    enum Phase: Equatable {
        case connecting
        case upgrading
        case awaitingOpen
        case awaitingConnect
        case ready
        case joining
        case joined
        case closed
    }

    let index: Int
    let user: Int
    let slot: Int
    /// The deployment node this session connects to (index into the driver's endpoints).
    let node: Int
    let endpoint: BenchEndpoint
    unowned let driver: BenchDriver
    private(set) var phase = Phase.connecting
    private(set) var connection: Connection?
    private var key = ""
    private var responseParser = HTTPResponseParser()
    private var messageParser = WebSocketMessageParser(role: .client, maxFrameSize: 64 * 1024 * 1024, maxMessageSize: 64 * 1024 * 1024)
    private var generator: SeededGenerator
    private var frame: [UInt8] = []
    /// Monotonic nanoseconds of the first connect attempt and of the `join` sent.
    let startedAt: UInt64
    private(set) var joinSentAt: UInt64 = 0
    /// Whether the `all_messages` text is kept for the driver (history workload).
    var keepsAllMessagesText = false
    private var nextAckID = 0
    /// Ack id → message sequence, for `send_message`.
    private var pendingAcks: [Int: Int] = [:]
    var pendingAckCount: Int { pendingAcks.count }
    /// Whether an `all_messages` has arrived on this session.
    private(set) var hasJoined = false
    /// Driver bookkeeping: the session no longer counts as connecting (joined once or failed).
    var hasLeftConnecting = false

    init(index: Int, user: Int, slot: Int, node: Int, endpoint: BenchEndpoint, driver: BenchDriver, seed: UInt64) {
        self.index = index
        self.user = user
        self.slot = slot
        self.node = node
        self.endpoint = endpoint
        self.driver = driver
        self.generator = SeededGenerator(seed: seed)
        self.startedAt = BenchClock.nanoseconds()
    }

    func start(context: LoopContext) {
        connection = context.connect(host: endpoint.host, port: endpoint.port, handler: self)
    }

    /// Closes the session without reporting a failure.
    func closeQuietly() {
        phase = .closed
        connection?.close()
    }

    // MARK: Sending

    func sendText(_ text: String) {
        guard let connection, phase != .closed else { return }
        let maskingKey = WebSocketFrame.makeMaskingKey(using: &generator)
        frame.removeAll(keepingCapacity: true)
        WebSocketFrame.appendText(text, maskingKey: maskingKey, to: &frame)
        connection.write(frame)
    }

    func join() {
        guard phase == .ready || phase == .joined else { return }
        phase = .joining
        joinSentAt = BenchClock.nanoseconds()
        sendText("42[\"join\",\"\(driver.content.userName(user))\"]")
    }

    /// Emits `send_message` for message `sequence` with an ack id (Spec EXT-1).
    func sendMessage(sequence: Int, receiver: Int) {
        let ackID = nextAckID
        nextAckID += 1
        pendingAcks[ackID] = sequence
        sendText(driver.content.sendMessageEvent(sequence: sequence, receiver: receiver, ackID: ackID))
    }

    // MARK: ConnectionHandler

    func connectionDidConnect(_ connection: Connection) {
        phase = .upgrading
        key = WebSocketHandshake.makeKey(using: &generator)
        let head = WebSocketHandshake.clientRequest(host: endpoint.hostHeader, target: "/socket.io/?EIO=4&transport=websocket", key: key)
        responseParser.expectResponse(toMethod: "GET")
        connection.write(HTTPRequest(head: head).serialized())
    }

    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let arrival = BenchClock.nanoseconds()
        if phase == .upgrading {
            responseParser.append(bytes)
            do {
                guard let response = try responseParser.nextResponse() else { return }
                try WebSocketHandshake.validateServerResponse(response.head, key: key)
            } catch {
                fail("WebSocket upgrade: \(error)")
                return
            }
            phase = .awaitingOpen
            messageParser.append(responseParser.takeUnparsedBytes())
        } else {
            messageParser.append(bytes)
        }
        while phase != .closed {
            let message: WebSocketMessage?
            do {
                message = try messageParser.nextMessage()
            } catch {
                fail("WebSocket: \(error)")
                return
            }
            guard let message else { return }
            switch message {
            case .text(let text): handle(text, arrival: arrival)
            case .ping(let data):
                let maskingKey = WebSocketFrame.makeMaskingKey(using: &generator)
                frame.removeAll(keepingCapacity: true)
                WebSocketFrame.appendPong(data, maskingKey: maskingKey, to: &frame)
                connection.write(frame)
            case .close:
                fail("the server closed the WebSocket")
                return
            case .binary, .pong:
                break
            }
        }
    }

    func connectionDidClose(_ connection: Connection, error: NetworkError?) {
        let wasClosed = phase == .closed
        phase = .closed
        if !wasClosed { driver.sessionDidFail(self, reason: error.map { "\($0)" } ?? "connection closed") }
    }

    // MARK: Engine.IO / Socket.IO

    private func handle(_ text: String, arrival: UInt64) {
        var scratch = text
        scratch.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard let first = bytes.first else { return }
            switch first {
            case 0x34:  // '4' Engine.IO message: Socket.IO packet
                handleSocketIO(bytes, text: text, arrival: arrival)
            case 0x32:  // '2' ping
                sendText("3")
            case 0x30:  // '0' open
                guard phase == .awaitingOpen else { return }
                phase = .awaitingConnect
                sendText(driver.content.connectText(user: user))
            case 0x31:  // '1' close
                fail("the server closed the Engine.IO session")
            default:
                break
            }
        }
    }

    private func handleSocketIO(_ bytes: UnsafeRawBufferPointer, text: String, arrival: UInt64) {
        guard bytes.count >= 2 else { return }
        switch bytes[1] {
        case 0x32:  // '2' EVENT
            if BenchContent.hasPrefix("42[\"new_message\"", bytes) {
                driver.sessionDidReceiveMessage(self, bytes: bytes, arrival: arrival)
            } else if BenchContent.hasPrefix("42[\"all_messages\"", bytes) {
                guard phase == .joining else {
                    driver.sessionDidFail(self, reason: "all_messages without a join")
                    return
                }
                phase = .joined
                hasJoined = true
                driver.sessionDidJoin(self, arrival: arrival, text: keepsAllMessagesText ? text : nil)
            } else if BenchContent.hasPrefix("42[\"error\"", bytes) {
                driver.sessionDidReceiveError(self, text: text)
            }
        case 0x30:  // '0' CONNECT answer
            guard phase == .awaitingConnect else { return }
            phase = .ready
            driver.sessionIsReady(self)
        case 0x33:  // '3' ACK: 43<id>[…]
            var index = 2
            var ackID = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]), index < 18 {
                ackID = ackID * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            guard index > 2, let sequence = pendingAcks.removeValue(forKey: ackID) else { return }
            let isAccepted = BenchContent.find("\"status\":\"success\"", in: bytes) != nil
            driver.sessionDidReceiveAck(self, sequence: sequence, isAccepted: isAccepted, arrival: arrival)
        case 0x34, 0x31:  // '4' CONNECT_ERROR, '1' DISCONNECT
            fail("the server ended the Socket.IO session: \(text.prefix(120))")
        default:
            break
        }
    }

    private func fail(_ reason: String) {
        guard phase != .closed else { return }
        phase = .closed
        connection?.close()
        driver.sessionDidFail(self, reason: reason)
    }
}
