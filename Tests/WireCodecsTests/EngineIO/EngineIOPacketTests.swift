import Testing
@testable import WireCodecs

/// Engine.IO v4 "Packet encoding", driven by `Spec/vectors/engineio.json`.
@Suite struct EngineIOPacketTests {
    @Test(arguments: try EngineIOVectorFile.load().packets)
    func decodesAndEncodesTextPackets(vector: EngineIOVectorFile.TextCase) throws {
        let expected = try #require(vector.packet.packet)
        #expect(try EngineIOPacket.decode(text: vector.text) == expected)
        #expect(expected.encodedText() == vector.text)
    }

    @Test(arguments: try EngineIOVectorFile.load().binaryFrames)
    func decodesBinaryFramesAsIs(vector: EngineIOVectorFile.BinaryFrame) throws {
        let expected = try #require(vector.packet.packet)
        #expect(EngineIOPacket.decode(binary: SpecVectors.bytes(hex: vector.hex)) == expected)
        #expect(expected.isBinary)
    }

    @Test(arguments: try EngineIOVectorFile.load().malformedPackets)
    func refusesMalformedPackets(vector: EngineIOVectorFile.MalformedPacket) {
        do {
            let packet = try EngineIOPacket.decode(text: vector.text)
            Issue.record("Expected: \(vector.error). Actual: \(packet)")
        } catch {
            #expect(error.code == vector.error, "\(error.description)")
        }
    }

    @Test func binaryMessageTextFormIsBase64() {
        #expect(EngineIOPacket.binaryMessage([1, 2, 3, 4]).encodedText() == "bAQIDBA==")
        #expect(!EngineIOPacket.message("x").isBinary)
    }

    @Test func errorsDescribeThemselves() {
        #expect(EngineIOParseError.unknownPacketType(UInt8(ascii: "9")).description == "Engine.IO: unknown packet type '9'")
        #expect(EngineIOParseError.payloadTooLarge(size: 6, limit: 5).description == "Engine.IO: payload of 6 bytes exceeds maxPayload 5")
    }
}
