import WireCodecs

/// What the kit does, on its loop thread, with the bytes a server sends on a client WebSocket: parse
/// them strictly, answer pings at once, and hand every message on to the session's reader.
///
/// RFC 6455 §5.5.2 ("Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response,
/// unless it already received a Close frame"), §5.5.3 (the pong carries the ping's data); Engine.IO v4
/// "Heartbeat" (a `2` ping is answered by a `3` pong with the same data). Answering here, not in the
/// async reader, keeps the pongs on time when Swift's cooperative pool is starved.
struct KitWebSocketInbound: Sendable {
    /// One thing to do with received bytes, in order.
    enum Action: Sendable, Equatable {
        /// Send a frame (masked by the I/O owner, RFC 6455 §5.3) now, before anything else is read.
        case reply(opcode: WebSocketOpcode, payload: [UInt8])
        /// Hand this to the session's reader.
        case deliver(KitWebSocket.Received)
        /// Close the TCP connection (after an invalid frame: RFC 6455 §7.1.7 "Fail the WebSocket Connection").
        case closeConnection
    }

    /// Whether Engine.IO pings are answered (the session's `autoPong`).
    let answersEngineIOPings: Bool
    private var parser: WebSocketMessageParser
    private var isCloseReceived = false
    private var isFailed = false

    init(maxMessageSize: Int, answersEngineIOPings: Bool) {
        parser = WebSocketMessageParser(role: .client, maxFrameSize: maxMessageSize, maxMessageSize: maxMessageSize)
        self.answersEngineIOPings = answersEngineIOPings
    }

    /// Parses `bytes` with what came before; returns the actions for every message now complete.
    mutating func onReceived(_ bytes: some Collection<UInt8>) -> [Action] {
        guard !isFailed else { return [] }
        parser.append(bytes)
        var actions: [Action] = []
        while true {
            let message: WebSocketMessage
            do throws(WebSocketProtocolError) {
                guard let next = try parser.nextMessage() else { return actions }
                message = next
            } catch {
                isFailed = true
                actions.append(.deliver(.protocolError(error)))
                actions.append(.closeConnection)
                return actions
            }
            if let reply = reply(to: message) {
                actions.append(.reply(opcode: reply.opcode, payload: reply.payload))
                actions.append(.deliver(.answered(message)))
            } else {
                actions.append(.deliver(.message(message)))
            }
            if case .close = message { isCloseReceived = true }
        }
    }

    /// The frame that answers `message` at once, if any.
    private func reply(to message: WebSocketMessage) -> (opcode: WebSocketOpcode, payload: [UInt8])? {
        guard !isCloseReceived else { return nil }
        switch message {
        case .ping(let data):
            return (.pong, data)
        case .text(let text) where answersEngineIOPings:
            guard text.utf8.first == UInt8(ascii: "2"), case .ping(let data)? = try? EngineIOPacket.decode(text: text) else { return nil }
            return (.text, Array(EngineIOPacket.pong(data).encodedText().utf8))
        default:
            return nil
        }
    }
}
