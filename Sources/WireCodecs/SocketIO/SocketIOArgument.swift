/// One argument of an event or acknowledgement that may be binary (Socket.IO v5 "Packet encoding":
/// binary attachments are extracted and replaced by placeholders).
public enum SocketIOArgument: Sendable, Equatable {
    case json(JSONValue)
    case binary([UInt8])
}
