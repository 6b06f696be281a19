/// Why a Socket.IO v5 packet, or a binary packet's attachment sequence, was refused
/// (Socket.IO v5 "Packet encoding"; rules of the reference socket.io-parser).
public enum SocketIOParseError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// An empty Engine.IO message where a Socket.IO packet was expected.
    case emptyPacket
    /// The first character is not a packet type digit `0`–`6`.
    case unknownPacketType(UInt8)
    /// A binary packet whose attachment count is not `<digits>-`.
    case invalidAttachmentCount
    /// A binary packet announcing more attachments than `WireLimits.socketIOMaxAttachments`.
    case tooManyAttachments(limit: Int)
    /// An acknowledgement id above 2^53 − 1 (the largest id JavaScript peers represent exactly).
    case ackIDOutOfRange
    /// The data after the header is not valid JSON.
    case invalidJSON(JSONParseError)
    /// A packet type that requires data (EVENT, ACK, CONNECT_ERROR and the binary types) has none.
    case missingPayload(SocketIOPacketType)
    /// The data does not have the shape the packet type requires (detail says which rule).
    case invalidPayload(SocketIOPacketType, String)
    /// An Engine.IO binary message arrived while no binary packet was awaiting attachments.
    case unexpectedBinaryMessage
    /// A text packet arrived while a binary packet still awaited attachments.
    case unexpectedTextPacket(awaitingAttachments: Int)
    /// A `{"_placeholder":true,"num":N}` object whose `num` is not an integer in 0..<attachments.
    case invalidPlaceholder

    /// A stable, language-neutral name of the case, used by `Spec/vectors/socketio.json`.
    public var code: String {
        switch self {
        case .emptyPacket: "emptyPacket"
        case .unknownPacketType: "unknownPacketType"
        case .invalidAttachmentCount: "invalidAttachmentCount"
        case .tooManyAttachments: "tooManyAttachments"
        case .ackIDOutOfRange: "ackIDOutOfRange"
        case .invalidJSON: "invalidJSON"
        case .missingPayload: "missingPayload"
        case .invalidPayload: "invalidPayload"
        case .unexpectedBinaryMessage: "unexpectedBinaryMessage"
        case .unexpectedTextPacket: "unexpectedTextPacket"
        case .invalidPlaceholder: "invalidPlaceholder"
        }
    }

    public var description: String {
        switch self {
        case .emptyPacket:
            "Socket.IO: empty packet"
        case .unknownPacketType(let byte):
            byte >= 0x21 && byte < 0x7F
                ? "Socket.IO: unknown packet type '\(Character(Unicode.Scalar(byte)))'"
                : "Socket.IO: unknown packet type byte 0x\(String(byte, radix: 16, uppercase: true))"
        case .invalidAttachmentCount:
            "Socket.IO: binary packet must start with <attachment count>-"
        case .tooManyAttachments(let limit):
            "Socket.IO: more than \(limit) attachments announced"
        case .ackIDOutOfRange:
            "Socket.IO: acknowledgement id out of range"
        case .invalidJSON(let error):
            "Socket.IO: invalid JSON data: \(error.description)"
        case .missingPayload(let type):
            "Socket.IO: \(type) packet requires data"
        case .invalidPayload(let type, let detail):
            "Socket.IO: invalid \(type) payload: \(detail)"
        case .unexpectedBinaryMessage:
            "Socket.IO: binary message received while no binary packet awaited attachments"
        case .unexpectedTextPacket(let remaining):
            "Socket.IO: text packet received while \(remaining) attachment(s) were still awaited"
        case .invalidPlaceholder:
            "Socket.IO: placeholder num is not an integer below the attachment count"
        }
    }
}
