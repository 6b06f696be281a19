import NetworkCore
import WireCodecs

/// A client WebSocket over one kit TCP connection: opening handshake, masked frames out (RFC 6455
/// §5.3), strict client-role parsing in (server frames must be unmasked, §5.1).
///
/// After the handshake the received bytes are parsed on the kit's loop thread (`KitWebSocketInbound`),
/// which answers WebSocket pings, and Engine.IO pings when `answersEngineIOPings`, right there, so a
/// starved cooperative pool cannot make the kit miss a pingTimeout; `receive` hands on every message.
/// Every send is one whole frame handed to the loop, so a pong is never written inside another frame.
final class KitWebSocket: Sendable {
    /// What one receive produced.
    enum Received: Sendable, Equatable {
        case message(WebSocketMessage)
        /// A ping (WebSocket, or an Engine.IO `2…` text) the loop has already answered.
        case answered(WebSocketMessage)
        /// The TCP connection closed.
        case closed
        case timedOut
        /// The server sent an invalid frame; the connection is closed.
        case protocolError(WebSocketProtocolError)
    }

    /// Why the opening handshake failed.
    enum OpenFailure: Error, Sendable, CustomStringConvertible {
        case unreachable(String)
        /// The server answered with an HTTP response other than a valid 101 (status, body).
        case refused(HTTPResponse, String)
        case exchange(KitHTTPExchange.Failure)

        var description: String {
            switch self {
            case .unreachable(let reason): reason
            case .refused(let response, let reason): "WebSocket upgrade refused (\(reason)): \(KitHTTPExchange.responseLine(response))"
            case .exchange(let failure): "WebSocket upgrade: \(failure)"
            }
        }
    }

    let connection: KitTCPConnection
    /// What the loop parsed, in order; closed when the connection closes.
    private let inbound = KitMailbox<Received>()

    private init(connection: KitTCPConnection, leftover: [UInt8], maxMessageSize: Int, answersEngineIOPings: Bool) {
        self.connection = connection
        let inbound = self.inbound
        connection.divertReads(leftover: leftover) {
            LoopReader(inbound: KitWebSocketInbound(maxMessageSize: maxMessageSize, answersEngineIOPings: answersEngineIOPings), mailbox: inbound)
        }
    }

    /// Opens a WebSocket to `target` (e.g. `/socket.io/?EIO=4&transport=websocket`); Engine.IO pings
    /// are answered on the loop when `answersEngineIOPings`.
    static func open(
        address: KitServerAddress, target: String, timeout: Duration, maxMessageSize: Int = 16 * 1024 * 1024,
        answersEngineIOPings: Bool = false
    ) async -> Result<KitWebSocket, OpenFailure> {
        let connection: KitTCPConnection
        switch await KitTCPConnection.connect(host: address.host, port: address.port, timeout: timeout) {
        case .success(let made): connection = made
        case .failure(let error): return .failure(.unreachable(error.reason))
        }
        var generator = SystemRandomNumberGenerator()
        let key = WebSocketHandshake.makeKey(using: &generator)
        let head = WebSocketHandshake.clientRequest(host: address.hostHeader, target: target, key: key)
        connection.send(HTTPRequest(head: head).serialized())
        // Read the 101 head byte by byte through the parser; what follows it is WebSocket data.
        var responseParser = HTTPResponseParser()
        responseParser.expectResponse(toMethod: "GET")
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                if let response = try responseParser.nextResponse() {
                    if response.head.status < 200 && response.head.status != 101 {
                        responseParser.expectResponse(toMethod: "GET")
                        continue
                    }
                    do {
                        try WebSocketHandshake.validateServerResponse(response.head, key: key)
                    } catch {
                        connection.close()
                        return .failure(.refused(response, "\(error)"))
                    }
                    let leftover = responseParser.takeUnparsedBytes()
                    return .success(KitWebSocket(
                        connection: connection, leftover: leftover, maxMessageSize: maxMessageSize, answersEngineIOPings: answersEngineIOPings))
                }
            } catch {
                connection.close()
                return .failure(.exchange(.malformed(error)))
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                connection.close()
                return .failure(.exchange(.timedOut(timeout)))
            }
            switch await connection.read(timeout: remaining) {
            case .bytes(let bytes): responseParser.append(bytes)
            case .timedOut:
                connection.close()
                return .failure(.exchange(.timedOut(timeout)))
            case .closed:
                if let response = try? responseParser.finish() {
                    return .failure(.refused(response, "status \(response.head.status)"))
                }
                return .failure(.exchange(.closedWithoutAnswer))
            }
        }
    }

    /// The next message or control frame (`.protocolError` once, after which the connection is closed).
    func receive(timeout: Duration) async -> Received {
        if let received = await inbound.next(timeout: timeout) { return received }
        return inbound.isDrained ? .closed : .timedOut
    }

    /// Sends a masked text frame.
    func sendText(_ text: String) { sendFrame(opcode: .text, payload: Array(text.utf8)) }

    /// Sends a masked binary frame.
    func sendBinary(_ bytes: [UInt8]) { sendFrame(opcode: .binary, payload: bytes) }

    /// Sends one masked frame with a fresh key.
    func sendFrame(opcode: WebSocketOpcode, payload: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let key = WebSocketFrame.makeMaskingKey(using: &generator)
        var buffer: [UInt8] = []
        WebSocketFrame.appendFrame(opcode: opcode, payload: payload, maskingKey: key, to: &buffer)
        connection.send(buffer)
    }

    /// Sends bytes as they are (malformed frames for robustness scenarios).
    func sendRaw(_ bytes: [UInt8]) { connection.send(bytes) }

    /// Sends a close frame (1000) and closes the TCP connection, in one loop task: no pong can follow
    /// the close frame (RFC 6455 §5.5.1).
    func close(code: UInt16 = WebSocketCloseCode.normalClosure) {
        var generator = SystemRandomNumberGenerator()
        let key = WebSocketFrame.makeMaskingKey(using: &generator)
        var buffer: [UInt8] = []
        WebSocketFrame.appendFrame(opcode: .close, payload: WebSocketCloseCode.payload(code: code), maskingKey: key, to: &buffer)
        connection.sendAndClose(buffer)
    }

    var isClosed: Bool { connection.isClosed }

    /// Loop-confined: runs `KitWebSocketInbound` on each read and carries its actions out.
    private final class LoopReader: KitLoopReader {
        private var inbound: KitWebSocketInbound
        private let mailbox: KitMailbox<Received>
        private var generator = SystemRandomNumberGenerator()

        init(inbound: KitWebSocketInbound, mailbox: KitMailbox<Received>) {
            self.inbound = inbound
            self.mailbox = mailbox
        }

        func didRead(_ bytes: [UInt8], on connection: Connection?) {
            for action in inbound.onReceived(bytes) {
                switch action {
                case .reply(let opcode, let payload):
                    var frame: [UInt8] = []
                    WebSocketFrame.appendFrame(opcode: opcode, payload: payload, maskingKey: WebSocketFrame.makeMaskingKey(using: &generator), to: &frame)
                    connection?.write(frame)
                case .deliver(let received):
                    mailbox.push(received)
                case .closeConnection:
                    connection?.close()
                }
            }
        }

        func didClose() { mailbox.close() }
    }
}
