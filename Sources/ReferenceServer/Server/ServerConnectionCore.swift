import NetworkCore
import WireCodecs

/// What the connection handlers (`HTTPConnectionHandler`, `WebSocketConnectionHandler`) need from the
/// application behind them: the messenger's `ServerCore`, or the protocol test server's
/// `ProtocolTestCore` (Engine.IO echo and Socket.IO namespaces for the official suites).
///
/// Every method runs on the loop thread, like `ServerCore`'s.
protocol ServerConnectionCore: AnyObject, Sendable {
    /// Limits, timeouts and hooks the handlers read (`limits`, `requestHeadTimeout`, `idleTimeout`,
    /// `allowedOrigins`, `hooks.request`/`response`/`incomingHTTPBytes`/`incomingWebSocketBytes`).
    var configuration: ServerConfiguration { get }
    var logger: ServerLogger { get }
    /// False: the connection is over a limit (per-IP cap) and is answered 503 and closed.
    func connectionOpened(_ connection: Connection) -> Bool
    /// Above the descriptor high-water mark, closes the oldest idle connections (README "Operating").
    func freeDescriptorsIfNeeded(context: LoopContext)
    func connectionClosed(_ connection: Connection, error: NetworkError?)
    func handleRequest(_ request: HTTPRequest, pending: ServerCore.PendingRequest, context: LoopContext) -> ServerCore.RequestDisposition
    func pollAborted(sid: String, request: ServerCore.PendingRequest, context: LoopContext)
    func webSocketAttached(sid: String?, connection: ConnectionID, context: LoopContext) -> String?
    func webSocketText(_ text: String, sid: String, connection: ConnectionID, context: LoopContext)
    func webSocketBinary(_ bytes: [UInt8], sid: String, connection: ConnectionID, context: LoopContext)
    func webSocketClosed(sid: String, connection: ConnectionID, context: LoopContext)
}

extension ServerCore: ServerConnectionCore {}
