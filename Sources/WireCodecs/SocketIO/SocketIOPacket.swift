/// The seven Socket.IO v5 packet types (Socket.IO protocol v5, "Packet types").
public enum SocketIOPacketType: Int, Sendable, Equatable, CaseIterable {
    case connect = 0
    case disconnect = 1
    case event = 2
    case ack = 3
    case connectError = 4
    case binaryEvent = 5
    case binaryAck = 6
}

/// One Socket.IO v5 packet, as carried in an Engine.IO message.
///
/// Format: `<type>[<attachments>-][<namespace>,][<ack id>][JSON data]`; the namespace is omitted
/// when it is `/`. Binary packets carry `{"_placeholder":true,"num":N}` objects in `data` and are
/// followed by `attachmentCount` Engine.IO binary messages.
public struct SocketIOPacket: Sendable, Equatable {
    public var type: SocketIOPacketType
    public var namespace: String
    public var data: JSONValue?
    public var ackID: Int?
    /// Number of binary attachments that follow (binary types only; 0 otherwise).
    public var attachmentCount: Int

    public init(type: SocketIOPacketType, namespace: String = "/", data: JSONValue? = nil, ackID: Int? = nil, attachmentCount: Int = 0) {
        self.type = type
        self.namespace = namespace
        self.data = data
        self.ackID = ackID
        self.attachmentCount = attachmentCount
    }
}
