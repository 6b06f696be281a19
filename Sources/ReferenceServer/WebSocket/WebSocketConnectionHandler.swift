import NetworkCore
import WireCodecs

/// Serves one WebSocket connection after its 101: parses client frames, answers pings, and feeds
/// Engine.IO packets to the session it belongs to.
///
/// RFC 6455 §5 (framing; client frames must be masked), §5.5 (control frames), §7 (closing).
/// A protocol error closes with the error's code (1002, 1007, 1009); a message over `maxPayload`
/// closes with 1009 (Spec TRANSPORT-6, ROBUST-5). Only this connection is affected.
final class WebSocketConnectionHandler: ConnectionHandler, WebSocketEndpoint {
    private let core: any ServerConnectionCore
    /// `core.configuration.hooks.incomingWebSocketBytes`, read once (through the protocol each read
    /// copies the whole configuration).
    private let incomingBytesHook: (@Sendable (_ bytes: [UInt8]) -> [UInt8])?
    private var parser: WebSocketMessageParser
    /// The Engine.IO session this WebSocket carries; nil when it was refused.
    private(set) var sid: String?
    private var isClosing = false
    let connection: ConnectionID
    /// The connection this handler serves (weak: the connection owns its handler).
    private weak var servedConnection: Connection?

    init(core: any ServerConnectionCore, connection: Connection, limits: WireLimits) {
        self.core = core
        self.incomingBytesHook = core.configuration.hooks.incomingWebSocketBytes
        self.connection = connection.id
        self.servedConnection = connection
        var parserLimits = limits
        let maxPayload = limits.engineIOMaxPayload
        parserLimits.webSocketMaxMessageSize = min(limits.webSocketMaxMessageSize, maxPayload)
        parserLimits.webSocketMaxFrameSize = min(limits.webSocketMaxFrameSize, maxPayload)
        self.parser = WebSocketMessageParser(role: .server, limits: parserLimits)
    }

    /// Joins the WebSocket to a session (a new one when `sid` is nil) right after the 101.
    func attach(_ connection: Connection, sid: String?) {
        core.webSocketOpened(self, sid: sid, context: connection.context)
        core.logger.log(.debug, "connection \(connection.id) upgraded to WebSocket for session \(self.sid ?? "-")")
    }

    func attached(to sid: String) {
        self.sid = sid
    }

    func write(_ frame: [UInt8]) {
        servedConnection?.write(frame)
    }

    func close(code: UInt16) {
        guard let servedConnection else { return }
        close(servedConnection, code: code)
    }

    func connectionDidRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        guard !isClosing else { return }
        if let rewrite = incomingBytesHook {
            parser.append(rewrite(Array(bytes)))
        } else {
            parser.append(bytes)
        }
        while !isClosing, !connection.isClosed {
            let message: WebSocketMessage?
            do {
                message = try parser.nextMessage()
            } catch {
                core.logger.log(.warning, key: "WebSocket protocol error", "connection \(connection.id) (session \(sid ?? "-")): WebSocket protocol error: \(error)")
                close(connection, code: error.closeCode)
                return
            }
            guard let message else { return }
            handle(message, connection: connection)
        }
    }

    private func handle(_ message: WebSocketMessage, connection: Connection) {
        switch message {
        case .text(let text):
            guard let sid else { return }
            core.webSocketReceived(.text(text), from: self, sid: sid, context: connection.context)
        case .binary(let bytes):
            guard let sid else { return }
            core.webSocketReceived(.binary(bytes), from: self, sid: sid, context: connection.context)
        case .ping(let data):
            var frame: [UInt8] = []
            WebSocketFrame.appendPong(data, to: &frame)
            connection.write(frame)
        case .pong:
            break
        case .close(let code, _):
            // RFC 6455 §5.5.1: answer with a close frame echoing the status code.
            close(connection, code: code ?? WebSocketCloseCode.normalClosure)
        }
    }

    /// Sends a close frame, closes once it is flushed, and tells the session (once).
    private func close(_ connection: Connection, code: UInt16) {
        guard !isClosing else { return }
        isClosing = true
        var frame: [UInt8] = []
        WebSocketFrame.appendClose(code: WebSocketCloseCode.isValidOnWire(code) ? code : WebSocketCloseCode.normalClosure, to: &frame)
        connection.write(frame)
        connection.closeAfterFlush()
        if let sid { core.webSocketClosed(self, sid: sid, context: connection.context) }
    }

    func connectionDidClose(_ connection: Connection, error: NetworkError?) {
        isClosing = true
        if let sid { core.webSocketClosed(self, sid: sid, context: connection.context) }
        core.connectionClosed(connection, error: error, sid: sid)
    }
}
