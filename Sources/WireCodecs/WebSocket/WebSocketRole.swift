/// Which end of a WebSocket connection a codec serves; decides the masking rule.
///
/// RFC 6455 §5.1: a client MUST mask every frame it sends to the server and a server MUST NOT mask
/// any frame it sends; each side fails the connection on a frame that breaks the rule.
public enum WebSocketRole: String, Sendable, Hashable, CaseIterable {
    /// Receives masked frames from clients, sends unmasked frames.
    case server
    /// Receives unmasked frames from the server, sends masked frames.
    case client

    /// True when frames received by this role must carry a masking key.
    public var expectsMaskedFrames: Bool { self == .server }
}
