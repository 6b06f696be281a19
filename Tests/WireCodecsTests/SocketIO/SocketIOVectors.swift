import Testing
@testable import WireCodecs

/// `Spec/vectors/socketio.json`.
struct SocketIOVectorFile: Decodable {
    struct Packet: Decodable, Sendable {
        let type: Int
        let nsp: String
        let data: String?
        let id: Int?
        let attachments: Int?
        func packet() throws -> SocketIOPacket {
            guard let packetType = SocketIOPacketType(rawValue: type) else { throw VectorError.badType(type) }
            return SocketIOPacket(type: packetType, namespace: nsp, data: try data.map { try JSONParser.parse($0) }, ackID: id, attachmentCount: attachments ?? 0)
        }
    }
    enum VectorError: Error { case badType(Int) }
    struct PacketCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let packet: Packet
        var testDescription: String { name }
    }
    struct DecodeOnlyCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let encoded: String
        let packet: Packet
        var testDescription: String { name }
    }
    struct MalformedCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let error: String
        var testDescription: String { name }
    }
    struct Message: Decodable, Sendable {
        let text: String?
        let hex: String?
    }
    struct BinarySequence: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let messages: [Message]
        let packet: Packet
        let attachments: [String]
        var testDescription: String { name }
    }
    struct MalformedBinarySequence: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let messages: [Message]
        let error: String
        var testDescription: String { name }
    }

    let packets: [PacketCase]
    let decodeOnly: [DecodeOnlyCase]
    let malformed: [MalformedCase]
    let binarySequences: [BinarySequence]
    let malformedBinarySequences: [MalformedBinarySequence]

    static func load() throws -> SocketIOVectorFile { try SpecVectors.load("socketio.json") }

    /// Feeds Engine.IO messages to an assembler; returns every completed packet.
    static func assemble(_ messages: [Message]) throws(SocketIOParseError) -> [SocketIOBinaryPacket] {
        var assembler = SocketIOBinaryAssembler()
        var completed: [SocketIOBinaryPacket] = []
        for message in messages {
            let result: SocketIOBinaryPacket?
            if let text = message.text {
                result = try assembler.onPacket(try SocketIOPacket.decode(text))
            } else {
                result = try assembler.onBinaryMessage(SpecVectors.bytes(hex: message.hex ?? ""))
            }
            if let result { completed.append(result) }
        }
        return completed
    }
}
