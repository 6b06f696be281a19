/// The transport a scenario drives: Spec §1 (TRANSPORT-2, TRANSPORT-3, TRANSPORT-4) and the HTTP API.
public enum TransportKind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// A session opened directly on WebSocket (`transport=websocket`).
    case webSocket
    /// A session on HTTP long-polling only (`transport=polling`).
    case polling
    /// A polling session upgraded to WebSocket.
    case pollingUpgrade
    /// Plain HTTP requests (`POST /messages`, preflights, bad requests).
    case http
}
