/// A BINARY_EVENT or BINARY_ACK packet together with its attachments (Socket.IO v5 "Packet encoding").
///
/// On the wire: the packet's text (with `{"_placeholder":true,"num":N}` in its data), then one
/// Engine.IO binary message per attachment, in order.
public struct SocketIOBinaryPacket: Sendable, Equatable {
    public var packet: SocketIOPacket
    public var attachments: [[UInt8]]

    public init(packet: SocketIOPacket, attachments: [[UInt8]]) {
        self.packet = packet
        self.attachments = attachments
    }

    /// A BINARY_EVENT `[name, arguments...]`; each top-level `.binary` argument becomes a placeholder
    /// and an attachment, numbered in order.
    public static func binaryEvent(_ name: String, _ arguments: [SocketIOArgument], namespace: String = "/", ackID: Int? = nil) -> SocketIOBinaryPacket {
        let (elements, attachments) = deconstruct(arguments)
        let packet = SocketIOPacket(type: .binaryEvent, namespace: namespace, data: .array([.string(name)] + elements), ackID: ackID, attachmentCount: attachments.count)
        return SocketIOBinaryPacket(packet: packet, attachments: attachments)
    }

    /// A BINARY_ACK `[arguments...]` answering the event with this id.
    public static func binaryAck(_ arguments: [SocketIOArgument], namespace: String = "/", ackID: Int) -> SocketIOBinaryPacket {
        let (elements, attachments) = deconstruct(arguments)
        let packet = SocketIOPacket(type: .binaryAck, namespace: namespace, data: .array(elements), ackID: ackID, attachmentCount: attachments.count)
        return SocketIOBinaryPacket(packet: packet, attachments: attachments)
    }

    /// The Engine.IO messages that carry this packet: its text, then each attachment as binary.
    public func engineIOPackets() -> [EngineIOPacket] {
        [.message(packet.encoded())] + attachments.map { .binaryMessage($0) }
    }

    /// The arguments with top-level placeholders replaced by their attachments (see
    /// `SocketIOPacket.eventArguments`); placeholders nested deeper stay JSON.
    public var eventArguments: [SocketIOArgument] {
        packet.eventArguments.map { argument in
            if let num = Self.placeholderNumber(argument), num >= 0, num < attachments.count {
                return .binary(attachments[num])
            }
            return .json(argument)
        }
    }

    private static func deconstruct(_ arguments: [SocketIOArgument]) -> ([JSONValue], [[UInt8]]) {
        var attachments: [[UInt8]] = []
        let elements = arguments.map { argument -> JSONValue in
            switch argument {
            case .json(let value):
                return value
            case .binary(let bytes):
                attachments.append(bytes)
                return SocketIOPacket.placeholder(attachments.count - 1)
            }
        }
        return (elements, attachments)
    }

    /// The `num` of a placeholder object (`_placeholder` is `true`); nil for anything else, or
    /// -1 when `num` is not an integer.
    static func placeholderNumber(_ value: JSONValue) -> Int? {
        guard value["_placeholder"] == .bool(true) else { return nil }
        guard let number = value["num"]?.numberValue, abs(number) < 9_007_199_254_740_992,
              Double(Int64(number)) == number else { return -1 }
        return Int(number)
    }
}
