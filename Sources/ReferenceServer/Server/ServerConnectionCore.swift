import NetworkCore
import WireCodecs

/// What the connection handlers (`HTTPConnectionHandler`, `WebSocketConnectionHandler`) need from the
/// application behind them: the messenger's `ServerCore`, or the protocol test server's
/// `ProtocolTestCore` (Engine.IO echo and Socket.IO namespaces for the official suites).
///
/// Every method runs on the loop thread. Answers come back through the handlers themselves: a
/// `PendingRequest` carries its `HTTPResponder`, a WebSocket is its own `WebSocketEndpoint`.
protocol ServerConnectionCore: AnyObject, Sendable {
    /// Limits, timeouts and hooks the handlers read (`limits`, `requestHeadTimeout`, `idleTimeout`,
    /// `allowedOrigins`, `hooks.request`/`response`/`incomingHTTPBytes`/`incomingWebSocketBytes`), once
    /// per connection: a read through the protocol copies the whole struct.
    var configuration: ServerConfiguration { get }
    var logger: ServerLogger { get }
    /// False: the connection is over a limit (per-IP cap) and is answered 503 and closed.
    func connectionOpened(_ connection: Connection, handler: HTTPConnectionHandler) -> Bool
    /// Above the descriptor high-water mark, closes the oldest idle connections (README "Operating").
    func freeDescriptorsIfNeeded(context: LoopContext)
    /// `sid`: the session the connection's WebSocket carried, if any.
    func connectionClosed(_ connection: Connection, error: NetworkError?, sid: String?)
    /// A request to answer through `pending.responder` (now or later).
    func handleRequest(_ request: HTTPRequest, pending: PendingRequest, context: LoopContext)
    /// The connection of an unanswered request closed.
    func requestAborted(_ request: PendingRequest, context: LoopContext)
    /// A WebSocket answered 101; `sid` nil asks for a new WebSocket-only session.
    func webSocketOpened(_ endpoint: any WebSocketEndpoint, sid: String?, context: LoopContext)
    func webSocketReceived(_ message: ServerState.WebSocketMessage, from endpoint: any WebSocketEndpoint, sid: String, context: LoopContext)
    func webSocketClosed(_ endpoint: any WebSocketEndpoint, sid: String, context: LoopContext)
}
