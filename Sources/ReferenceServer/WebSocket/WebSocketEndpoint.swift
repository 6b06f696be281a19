import NetworkCore

/// A WebSocket carrying an Engine.IO session, as the server's state sees it (`WebSocketConnectionHandler`;
/// a stand-in in tests): what its frames are written to and who closes it.
protocol WebSocketEndpoint: AnyObject {
    var connection: ConnectionID { get }
    /// Writes frame bytes.
    func write(_ frame: [UInt8])
    /// Sends a close frame with `code`, then closes once it is flushed.
    func close(code: UInt16)
    /// The WebSocket now carries session `sid` (a new one, or the one it was upgraded for).
    func attached(to sid: String)
}
