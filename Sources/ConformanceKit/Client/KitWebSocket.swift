import Synchronization
import WireCodecs

/// A client WebSocket over one kit TCP connection: opening handshake, masked frames out (RFC 6455
/// §5.3), strict client-role parsing in (server frames must be unmasked, §5.1).
final class KitWebSocket: Sendable {
    /// What one receive produced.
    enum Received: Sendable {
        case message(WebSocketMessage)
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
    private let parser: Mutex<WebSocketMessageParser>

    private init(connection: KitTCPConnection, leftover: [UInt8], maxMessageSize: Int) {
        self.connection = connection
        var parser = WebSocketMessageParser(role: .client, maxFrameSize: maxMessageSize, maxMessageSize: maxMessageSize)
        parser.append(leftover)
        self.parser = Mutex(parser)
    }

    /// Opens a WebSocket to `target` (e.g. `/socket.io/?EIO=4&transport=websocket`).
    static func open(
        address: KitServerAddress, target: String, timeout: Duration, maxMessageSize: Int = 16 * 1024 * 1024
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
                    return .success(KitWebSocket(connection: connection, leftover: leftover, maxMessageSize: maxMessageSize))
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

    /// The next message or control frame.
    func receive(timeout: Duration) async -> Received {
        let deadline = ContinuousClock.now + timeout
        while true {
            let parsed: Result<WebSocketMessage?, WebSocketProtocolError> = parser.withLock { parser in
                do throws(WebSocketProtocolError) { return .success(try parser.nextMessage()) } catch { return .failure(error) }
            }
            switch parsed {
            case .success(let message?): return .message(message)
            case .failure(let error):
                connection.close()
                return .protocolError(error)
            case .success(nil): break
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return .timedOut }
            switch await connection.read(timeout: remaining) {
            case .bytes(let bytes): parser.withLock { $0.append(bytes) }
            case .timedOut: return .timedOut
            case .closed: return .closed
            }
        }
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

    /// Sends a close frame (1000) and closes the TCP connection.
    func close(code: UInt16 = WebSocketCloseCode.normalClosure) {
        sendFrame(opcode: .close, payload: WebSocketCloseCode.payload(code: code))
        connection.close()
    }

    var isClosed: Bool { connection.isClosed }
}
