import Foundation
import Testing
@testable import WireCodecs

/// The golden vectors of `Spec/vectors/websocket.json`, decoded for the WebSocket test suites.
struct WebSocketVectors: Decodable, Sendable {
    struct Repeat: Decodable, Sendable, Hashable {
        var byte: UInt8
        var count: Int
        var bytes: [UInt8] { [UInt8](repeating: byte, count: count) }
    }

    struct HandshakeCase: Decodable, Sendable, CustomTestStringConvertible {
        var id: String
        var key: String
        var accept: String
        var testDescription: String { id }
    }

    struct ExpectedFrame: Decodable, Sendable {
        var fin: Bool
        var rsv: UInt8
        var opcode: UInt8
        var maskingKey: String?
        var payloadText: String?
        var payloadHex: String?
        var payloadRepeat: Repeat?

        var payload: [UInt8] {
            if let payloadText { return Array(payloadText.utf8) }
            if let payloadRepeat { return payloadRepeat.bytes }
            return WebSocketVectors.bytes(fromHex: payloadHex ?? "")
        }

        var frame: WebSocketFrame? {
            guard let opcode = WebSocketOpcode(rawValue: opcode) else { return nil }
            return WebSocketFrame(
                isFinal: fin,
                rsv1: rsv & 4 != 0,
                rsv2: rsv & 2 != 0,
                rsv3: rsv & 1 != 0,
                opcode: opcode,
                maskingKey: maskingKey.map(WebSocketVectors.bytes(fromHex:)),
                payload: payload
            )
        }
    }

    struct ExpectedMessage: Decodable, Sendable {
        var type: String
        var text: String?
        var payloadHex: String?
        var payloadRepeat: Repeat?
        var code: UInt16?
        var reason: String?

        var message: WebSocketMessage? {
            let payload = payloadRepeat?.bytes ?? WebSocketVectors.bytes(fromHex: payloadHex ?? "")
            switch type {
            case "text": return text.map(WebSocketMessage.text)
            case "binary": return .binary(payload)
            case "ping": return .ping(payload)
            case "pong": return .pong(payload)
            case "close": return .close(code: code, reason: reason ?? "")
            default: return nil
            }
        }
    }

    struct ExpectedError: Decodable, Sendable {
        var name: String
        var closeCode: UInt16
        var layer: String
    }

    struct FrameCase: Decodable, Sendable, CustomTestStringConvertible {
        var id: String
        var section: String
        var description: String
        var role: String
        var hex: String
        var payloadRepeat: Repeat?
        var maxFrameSize: Int?
        var maxMessageSize: Int?
        var expectedFrames: [ExpectedFrame]
        var expectedMessages: [ExpectedMessage]
        var expectedError: ExpectedError?

        var testDescription: String { "\(id) \(description)" }

        var input: [UInt8] { WebSocketVectors.bytes(fromHex: hex) + (payloadRepeat?.bytes ?? []) }
        var parserRole: WebSocketRole? { WebSocketRole(rawValue: role) }
        var frameLimit: Int { maxFrameSize ?? WireLimits.standard.webSocketMaxFrameSize }
        var messageLimit: Int { maxMessageSize ?? WireLimits.standard.webSocketMaxMessageSize }
    }

    var handshake: [HandshakeCase]
    var frames: [FrameCase]

    /// Loaded once from `Spec/vectors/websocket.json`, found by walking up from this file to the package root.
    static let shared: WebSocketVectors = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            precondition(parent.path != directory.path, "package root not found above \(#filePath)")
            directory = parent
        }
        let url = directory.appendingPathComponent("Spec/vectors/websocket.json")
        do {
            return try JSONDecoder().decode(WebSocketVectors.self, from: Data(contentsOf: url))
        } catch {
            preconditionFailure("cannot load \(url.path): \(error)")
        }
    }()

    static func bytes(fromHex hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0, "odd hex length in vectors")
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
        }
    }

    /// The stable identifier a vector uses for each error case.
    static func name(of error: WebSocketProtocolError) -> String {
        switch error {
        case .reservedBitsSet: "reservedBitsSet"
        case .unknownOpcode: "unknownOpcode"
        case .controlFrameTooLong: "controlFrameTooLong"
        case .fragmentedControlFrame: "fragmentedControlFrame"
        case .unmaskedFrameFromClient: "unmaskedFrameFromClient"
        case .maskedFrameFromServer: "maskedFrameFromServer"
        case .lengthHighBitSet: "lengthHighBitSet"
        case .nonMinimalLength: "nonMinimalLength"
        case .frameTooLarge: "frameTooLarge"
        case .messageTooLarge: "messageTooLarge"
        case .continuationWithoutStart: "continuationWithoutStart"
        case .dataFrameDuringFragmentedMessage: "dataFrameDuringFragmentedMessage"
        case .invalidUTF8InText: "invalidUTF8InText"
        case .closePayloadTooShort: "closePayloadTooShort"
        case .invalidCloseCode: "invalidCloseCode"
        case .invalidUTF8InCloseReason: "invalidUTF8InCloseReason"
        }
    }
}

/// What a parser produced from some input: the items in order, then the error if it failed.
struct WebSocketParseOutcome<Item: Equatable>: Equatable {
    var items: [Item] = []
    var error: WebSocketProtocolError?
}
