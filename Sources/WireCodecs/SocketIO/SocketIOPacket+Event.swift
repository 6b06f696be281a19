extension SocketIOPacket {
    /// An EVENT packet: data `[name, arguments...]` (Socket.IO v5 "Sending and receiving data").
    public static func event(_ name: String, _ arguments: [JSONValue] = [], namespace: String = "/", ackID: Int? = nil) -> SocketIOPacket {
        SocketIOPacket(type: .event, namespace: namespace, data: .array([.string(name)] + arguments), ackID: ackID)
    }

    /// An ACK packet answering the event with this id: data `[arguments...]` (Socket.IO v5 "Acknowledgement").
    public static func ack(_ arguments: [JSONValue], namespace: String = "/", ackID: Int) -> SocketIOPacket {
        SocketIOPacket(type: .ack, namespace: namespace, data: .array(arguments), ackID: ackID)
    }

    /// A CONNECT packet; from the server, `data` is `{"sid":"…"}` (Socket.IO v5 "Connection to a namespace").
    public static func connect(namespace: String = "/", data: JSONValue? = nil) -> SocketIOPacket {
        SocketIOPacket(type: .connect, namespace: namespace, data: data)
    }

    /// A CONNECT_ERROR packet with `{"message":…}` (Socket.IO v5 "Connection to a namespace").
    public static func connectError(namespace: String = "/", message: String) -> SocketIOPacket {
        SocketIOPacket(type: .connectError, namespace: namespace, data: .object([JSONMember("message", .string(message))]))
    }

    /// A DISCONNECT packet (Socket.IO v5 "Disconnection from a namespace").
    public static func disconnect(namespace: String = "/") -> SocketIOPacket {
        SocketIOPacket(type: .disconnect, namespace: namespace)
    }

    /// The placeholder that stands for attachment `num` in a binary packet's data.
    public static func placeholder(_ num: Int) -> JSONValue {
        .object([JSONMember("_placeholder", .bool(true)), JSONMember("num", .number(Double(num)))])
    }

    /// The event name of an EVENT or BINARY_EVENT packet (nil for other types, or a numeric name).
    public var eventName: String? {
        guard type == .event || type == .binaryEvent else { return nil }
        return data?.arrayValue?.first?.stringValue
    }

    /// The arguments: for EVENT and BINARY_EVENT the data after the name, for ACK and BINARY_ACK
    /// the whole data array; empty for the other types.
    public var eventArguments: [JSONValue] {
        switch type {
        case .event, .binaryEvent:
            guard let elements = data?.arrayValue, !elements.isEmpty else { return [] }
            return Array(elements.dropFirst())
        case .ack, .binaryAck:
            return data?.arrayValue ?? []
        case .connect, .disconnect, .connectError:
            return []
        }
    }
}
