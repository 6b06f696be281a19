/// Joins a binary packet with the Engine.IO binary messages that follow it (Socket.IO v5
/// "Packet encoding"; socket.io-parser `BinaryReconstructor`).
///
/// Feed every decoded Socket.IO packet to `onPacket` and every Engine.IO binary message to
/// `onBinaryMessage`; each returns the completed packet when there is one. A binary message with
/// no pending packet, a text packet while attachments are awaited, and a placeholder whose `num`
/// is not an integer below the attachment count are errors.
public struct SocketIOBinaryAssembler: Sendable {
    private var pending: SocketIOPacket?
    private var received: [[UInt8]] = []

    public init() {}

    /// Whether a binary packet is waiting for attachments.
    public var isAwaitingAttachments: Bool { pending != nil }

    /// How many attachments the pending packet still needs (0 when none is pending).
    public var remainingAttachments: Int {
        guard let pending else { return 0 }
        return pending.attachmentCount - received.count
    }

    /// Takes a decoded text packet; returns it at once unless it is a binary packet that awaits
    /// attachments (then nil). Non-binary packets come back with no attachments.
    public mutating func onPacket(_ packet: SocketIOPacket) throws(SocketIOParseError) -> SocketIOBinaryPacket? {
        if pending != nil { throw .unexpectedTextPacket(awaitingAttachments: remainingAttachments) }
        guard packet.type == .binaryEvent || packet.type == .binaryAck else {
            return SocketIOBinaryPacket(packet: packet, attachments: [])
        }
        guard packet.attachmentCount > 0 else {
            try Self.checkPlaceholders(packet.data, attachmentCount: 0)
            return SocketIOBinaryPacket(packet: packet, attachments: [])
        }
        pending = packet
        received = []
        received.reserveCapacity(packet.attachmentCount)
        return nil
    }

    /// Takes one Engine.IO binary message; returns the completed packet after the last attachment.
    public mutating func onBinaryMessage(_ bytes: [UInt8]) throws(SocketIOParseError) -> SocketIOBinaryPacket? {
        guard let packet = pending else { throw .unexpectedBinaryMessage }
        received.append(bytes)
        guard received.count == packet.attachmentCount else { return nil }
        let attachments = received
        pending = nil
        received = []
        try Self.checkPlaceholders(packet.data, attachmentCount: attachments.count)
        return SocketIOBinaryPacket(packet: packet, attachments: attachments)
    }

    /// Drops any pending packet (for example when the connection closes).
    public mutating func reset() {
        pending = nil
        received = []
    }

    private static func checkPlaceholders(_ value: JSONValue?, attachmentCount: Int) throws(SocketIOParseError) {
        guard let value else { return }
        switch value {
        case .array(let elements):
            for element in elements { try checkPlaceholders(element, attachmentCount: attachmentCount) }
        case .object(let members):
            if let num = SocketIOBinaryPacket.placeholderNumber(value) {
                guard num >= 0, num < attachmentCount else { throw .invalidPlaceholder }
                return
            }
            for member in members { try checkPlaceholders(member.value, attachmentCount: attachmentCount) }
        default:
            return
        }
    }
}
