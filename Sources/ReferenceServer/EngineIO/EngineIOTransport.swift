/// The two Engine.IO v4 transports, named as in the `transport` query parameter.
///
/// Engine.IO v4 "Transports": HTTP long-polling and WebSocket.
public enum EngineIOTransport: String, Sendable, Hashable, CaseIterable {
    case polling = "polling"
    case webSocket = "websocket"
}
