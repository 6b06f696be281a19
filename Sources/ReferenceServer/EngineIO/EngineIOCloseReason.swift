/// Why an Engine.IO session ended, spelled as the Node.js engine.io server spells it.
///
/// Engine.IO v4 has no close codes on the wire; these strings are what `socket.on("close")`
/// reports in the reference implementation (engine.io `lib/socket.ts`, `onClose`).
public enum EngineIOCloseReason: String, Sendable, Equatable, CaseIterable {
    /// The client closed the transport (a `1` packet, or the connection went away).
    case transportClose = "transport close"
    /// No `3` pong arrived within `pingTimeout` of a `2` ping.
    case pingTimeout = "ping timeout"
    /// The client broke the transport rules (overlapping GET polls, an aborted poll,
    /// a v3-style ping from the client).
    case transportError = "transport error"
    /// The server closed the session on purpose.
    case forcedClose = "forced close"
    /// The client sent bytes that do not decode as Engine.IO (or, on request of the upper
    /// layer, as Socket.IO) packets.
    case parseError = "parse error"
}
