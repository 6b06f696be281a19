/// Why a Socket.IO socket was disconnected, spelled as the Node.js socket.io server spells it.
///
/// socket.io `Socket` "disconnect" reasons (server API, "disconnect" event). The first five
/// mirror the Engine.IO close reasons of the underlying session.
public enum SocketIODisconnectReason: String, Sendable, Equatable, CaseIterable {
    case transportClose = "transport close"
    case pingTimeout = "ping timeout"
    case transportError = "transport error"
    case forcedClose = "forced close"
    case parseError = "parse error"
    /// The client sent a DISCONNECT packet for the namespace.
    case clientNamespaceDisconnect = "client namespace disconnect"
    /// The server called `disconnect`.
    case serverNamespaceDisconnect = "server namespace disconnect"
    /// The server closed the connection because the client broke the packet order
    /// (an EVENT before CONNECT, a second CONNECT, a CONNECT_ERROR from the client).
    case forcedServerClose = "forced server close"

    /// The reason a socket reports when its Engine.IO session ends.
    public init(_ engineIOReason: EngineIOCloseReason) {
        switch engineIOReason {
        case .transportClose: self = .transportClose
        case .pingTimeout: self = .pingTimeout
        case .transportError: self = .transportError
        case .forcedClose: self = .forcedClose
        case .parseError: self = .parseError
        }
    }
}
