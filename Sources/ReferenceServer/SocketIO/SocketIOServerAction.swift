import WireCodecs

/// One thing the owner of a `SocketIOServerSession` must do, in the order returned.
public enum SocketIOServerAction: Sendable, Equatable {
    /// Encode this packet and send it as an Engine.IO `message` on the underlying session.
    case send(SocketIOPacket)
    /// Send these bytes as an Engine.IO binary message: the next attachment of the binary packet
    /// just sent (`emit`/`acknowledge` with attachments).
    case sendAttachment([UInt8])
    /// A client asks to connect to `/` with this auth payload (`requiresConnectApproval` only):
    /// answer with `approveConnect()` or `refuseConnect(message:)`.
    case connectRequested(auth: JSONValue?)
    /// A client connected to the main namespace `/` with this socket id and auth payload.
    case connected(socketID: String, auth: JSONValue?)
    /// The client emitted an event. `ackID` is set when it waits for an acknowledgement
    /// (answer with `acknowledge(_:with:)`). For binary events the arguments keep their
    /// `{"_placeholder":true,"num":N}` objects and `attachments[N]` holds the bytes.
    case event(name: String, arguments: [JSONValue], ackID: Int?, attachments: [[UInt8]])
    /// The client acknowledged an event emitted with `emitWithAck`.
    case ack(id: Int, arguments: [JSONValue], attachments: [[UInt8]])
    /// The socket is disconnected; `connected` was reported before.
    case disconnected(reason: SocketIODisconnectReason)
    /// Close the underlying Engine.IO session (`EngineIOServerSession.close(reason:now:)`).
    case closeEngineIO(reason: EngineIOCloseReason)
    /// Call `onTimer(now:)` at (or after) this instant; replaces any earlier request.
    case scheduleTimer(at: EngineIOInstant)
}
