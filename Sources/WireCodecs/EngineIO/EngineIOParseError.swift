/// Why an Engine.IO v4 packet or polling payload was refused (Engine.IO v4 "Packet encoding").
public enum EngineIOParseError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A packet with no type character (an empty text frame, or an empty record in a payload).
    case emptyPacket
    /// The first character is not a packet type `0`–`6` (nor `b` for base64 binary in a payload).
    case unknownPacketType(UInt8)
    /// A close (`1`), upgrade (`5`) or noop (`6`) packet that carries data after its type.
    case unexpectedData(packetType: UInt8)
    /// The open packet's JSON is malformed or lacks a field of the right type (detail says which).
    case invalidOpenPayload(String)
    /// A polling payload (HTTP body) with no bytes.
    case emptyPayload
    /// A polling payload larger than the negotiated `maxPayload`.
    case payloadTooLarge(size: Int, limit: Int)
    /// The packet at this index of a payload is `b` followed by text that is not padded base64.
    case invalidBase64(packetIndex: Int)
    /// The text is not well-formed UTF-8; the offset is that of the first bad byte.
    case invalidUTF8(offset: Int)

    /// A stable, language-neutral name of the case, used by `Spec/vectors/engineio.json`.
    public var code: String {
        switch self {
        case .emptyPacket: "emptyPacket"
        case .unknownPacketType: "unknownPacketType"
        case .unexpectedData: "unexpectedData"
        case .invalidOpenPayload: "invalidOpenPayload"
        case .emptyPayload: "emptyPayload"
        case .payloadTooLarge: "payloadTooLarge"
        case .invalidBase64: "invalidBase64"
        case .invalidUTF8: "invalidUTF8"
        }
    }

    public var description: String {
        switch self {
        case .emptyPacket:
            "Engine.IO: empty packet"
        case .unknownPacketType(let byte):
            "Engine.IO: unknown packet type \(Self.describe(byte))"
        case .unexpectedData(let type):
            "Engine.IO: packet type \(Self.describe(type)) carries no data, but data followed"
        case .invalidOpenPayload(let detail):
            "Engine.IO: invalid open packet payload: \(detail)"
        case .emptyPayload:
            "Engine.IO: empty payload"
        case .payloadTooLarge(let size, let limit):
            "Engine.IO: payload of \(size) bytes exceeds maxPayload \(limit)"
        case .invalidBase64(let packetIndex):
            "Engine.IO: packet \(packetIndex) of the payload is not valid base64"
        case .invalidUTF8(let offset):
            "Engine.IO: invalid UTF-8 at byte \(offset)"
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
