import WireCodecs

/// One thing the I/O owner must do for an `EngineIOServerSession`, in the order returned.
///
/// Vocabulary: *the session's poll* is the GET request the session holds (after `holdPoll`),
/// or the GET being handed to it by `onPollRequest` when it is answered at once. *The current
/// request* is the HTTP request passed to the call that returned the action. *The session's
/// WebSocket* is the one WebSocket connection attached to the session: the native one, the
/// one being probed during an upgrade, or the one upgraded to.
public enum EngineIOServerAction: Sendable, Equatable {
    /// Answer the session's poll: HTTP 200, `Content-Type: text/plain; charset=UTF-8`, body
    /// the packets encoded as a v4 polling payload (`\x1e`-separated, binary as `b<base64>`).
    case respondToPoll([EngineIOPacket])
    /// Keep the current GET open: it becomes the session's poll, answered by a later
    /// `respondToPoll`.
    case holdPoll
    /// Answer the current POST: HTTP 200, `Content-Type: text/html`, body `ok`.
    case acknowledgePost
    /// Answer the current request (GET or POST) with this status and an empty body
    /// (400 for protocol errors, 413 for a POST over `maxPayload`).
    case rejectRequest(status: Int)
    /// Send the packet in a frame of its own on the session's WebSocket (text `<type><data>`,
    /// binary messages as binary frames). One packet per action: the hot path (every event sent on
    /// a WebSocket) then builds no array of packets.
    case writeToWebSocket(EngineIOPacket)
    /// Close the session's WebSocket (the session may live on, e.g. after a failed upgrade).
    case closeWebSocket
    /// Close the WebSocket just offered by `onWebSocketOpened`; it never joined the session.
    case rejectWebSocket
    /// Hand a `message` or `binaryMessage` packet to the layer above (Socket.IO).
    case deliverToApplication(EngineIOPacket)
    /// Call `onTimer(now:)` at (or after) this instant; replaces any earlier request.
    case scheduleTimer(at: EngineIOInstant)
    /// The session is over: forget its sid (later requests with it get error 1).
    case sessionClosed(reason: EngineIOCloseReason)
}
