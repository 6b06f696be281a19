import Testing
@testable import WireCodecs

/// `Spec/vectors/engineio.json`.
struct EngineIOVectorFile: Decodable {
    struct Open: Decodable, Sendable {
        let sid: String
        let upgrades: [String]
        let pingInterval: Int
        let pingTimeout: Int
        let maxPayload: Int
        var payload: EngineIOOpenPayload {
            EngineIOOpenPayload(sid: sid, upgrades: upgrades, pingInterval: pingInterval, pingTimeout: pingTimeout, maxPayload: maxPayload)
        }
    }
    struct Packet: Decodable, Sendable {
        let type: String
        let data: String?
        let hex: String?
        let open: Open?
        var packet: EngineIOPacket? {
            switch type {
            case "open": open.map { .open($0.payload) }
            case "close": .close
            case "ping": .ping(data ?? "")
            case "pong": .pong(data ?? "")
            case "message": .message(data ?? "")
            case "binaryMessage": .binaryMessage(SpecVectors.bytes(hex: hex ?? ""))
            case "upgrade": .upgrade
            case "noop": .noop
            default: nil
            }
        }
    }
    struct TextCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let packet: Packet
        var testDescription: String { name }
    }
    struct BinaryFrame: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let hex: String
        let packet: Packet
        var testDescription: String { name }
    }
    struct OpenCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        let canonical: Bool
        let open: Open
        var testDescription: String { name }
    }
    struct MalformedOpen: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        let error: String
        var testDescription: String { name }
    }
    struct PayloadCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let packets: [Packet]
        var testDescription: String { name }
    }
    struct MalformedPacket: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let error: String
        var testDescription: String { name }
    }
    struct MalformedPayload: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let text: String?
        let hex: String?
        let maxPayload: Int
        let error: String
        var bytes: [UInt8] { text.map { Array($0.utf8) } ?? SpecVectors.bytes(hex: hex ?? "") }
        var testDescription: String { name }
    }

    let packets: [TextCase]
    let binaryFrames: [BinaryFrame]
    let openPayloads: [OpenCase]
    let malformedOpenPayloads: [MalformedOpen]
    let payloads: [PayloadCase]
    let malformedPackets: [MalformedPacket]
    let malformedPayloads: [MalformedPayload]

    static func load() throws -> EngineIOVectorFile { try SpecVectors.load("engineio.json") }
}
