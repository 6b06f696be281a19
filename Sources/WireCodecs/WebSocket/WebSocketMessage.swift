/// One complete WebSocket message (data frames reassembled) or control frame, as delivered to the
/// application.
///
/// RFC 6455 §5.4 (fragmentation), §5.5 (control frames), §5.6 (data frames).
public enum WebSocketMessage: Sendable, Hashable {
    /// A text message; its bytes were valid UTF-8 (RFC 6455 §5.6, §8.1).
    case text(String)
    /// A binary message.
    case binary([UInt8])
    /// A ping with its application data (at most 125 bytes); answer with a pong carrying the same data.
    case ping([UInt8])
    /// A pong with its application data.
    case pong([UInt8])
    /// A close frame: `code` is nil when the payload was empty (the application sees 1005, "no status
    /// received", RFC 6455 §7.1.5); `reason` is the UTF-8 text after the code.
    case close(code: UInt16?, reason: String)
}
