import Testing
@testable import WireCodecs

@Suite struct WebSocketFrameTests {
    static let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    /// RFC 6455 §5.7 examples, serialized.
    @Test func serializesRFCExamples() {
        let hello = Array("Hello".utf8)
        #expect(WebSocketFrame(opcode: .text, payload: hello).serialized() == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(
            WebSocketFrame(opcode: .text, payload: hello).serialized(maskingKey: Self.key)
                == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        )
        #expect(WebSocketFrame(isFinal: false, opcode: .text, payload: Array("Hel".utf8)).serialized() == [0x01, 0x03, 0x48, 0x65, 0x6C])
        #expect(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)).serialized() == [0x80, 0x02, 0x6C, 0x6F])
        let binary256 = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 256)).serialized()
        #expect(Array(binary256.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(binary256.count == 260)
        let binary64K = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65536)).serialized()
        #expect(Array(binary64K.prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
        #expect(binary64K.count == 65546)
    }

    @Test func usesTheFramesOwnKeyUnlessOneIsGiven() {
        let frame = WebSocketFrame(opcode: .binary, maskingKey: Self.key, payload: [1, 2, 3])
        #expect(frame.serialized() == [0x82, 0x83] + Self.key + [1 ^ 0x37, 2 ^ 0xFA, 3 ^ 0x21])
        #expect(frame.serialized(maskingKey: [0, 0, 0, 0]) == [0x82, 0x83, 0, 0, 0, 0, 1, 2, 3])
    }

    @Test func serializesReservedBits() {
        let frame = WebSocketFrame(rsv1: true, rsv3: true, opcode: .text)
        #expect(frame.reservedBits == 5)
        #expect(frame.serialized() == [0xD1, 0x00])
    }

    /// Serialize then parse gives the frame back, masked (server side) and unmasked (client side),
    /// at each length encoding boundary.
    @Test(arguments: [0, 1, 3, 4, 5, 125, 126, 127, 65535, 65536, 70000])
    func roundTrips(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for opcode in [WebSocketOpcode.text, .binary, .continuation] {
            for isFinal in [true, false] {
                let unmasked = WebSocketFrame(isFinal: isFinal, opcode: opcode, payload: payload)
                var clientParser = WebSocketFrameParser(role: .client)
                clientParser.append(unmasked.serialized())
                #expect(try clientParser.nextFrame() == unmasked)

                let masked = WebSocketFrame(isFinal: isFinal, opcode: opcode, maskingKey: Self.key, payload: payload)
                var serverParser = WebSocketFrameParser(role: .server)
                serverParser.append(masked.serialized())
                #expect(try serverParser.nextFrame() == masked)
            }
        }
    }

    @Test(arguments: [WebSocketOpcode.ping, .pong, .close])
    func controlFramesRoundTrip(opcode: WebSocketOpcode) throws {
        let payload = opcode == .close ? WebSocketCloseCode.payload(code: 1000, reason: "x") : [UInt8](repeating: 1, count: 125)
        let frame = WebSocketFrame(opcode: opcode, maskingKey: Self.key, payload: payload)
        var parser = WebSocketFrameParser(role: .server)
        parser.append(frame.serialized())
        #expect(try parser.nextFrame() == frame)
    }

    @Test func buildersMatchSerializedFrames() {
        var buffer = [UInt8]()
        WebSocketFrame.appendText("Hello", to: &buffer)
        #expect(buffer == WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).serialized())
        buffer = []
        WebSocketFrame.appendText("Hello".utf8, maskingKey: Self.key, to: &buffer)
        #expect(buffer == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        buffer = [0xAA]  // builders append, they do not replace
        WebSocketFrame.appendBinary([UInt8](repeating: 5, count: 300), to: &buffer)
        #expect(buffer == [0xAA] + WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 5, count: 300)).serialized())
    }

    @Test(arguments: [0, 1, 124, 125, 126, 65_535, 65_536, 70_000])
    func payloadWriterBuilderMatchesSerializedFrames(length: Int) {
        // Each length on both sides of the 7-bit, 16-bit and 64-bit length encodings (RFC 6455 §5.2).
        let payload = [UInt8](repeating: 0x34, count: length)
        var buffer: [UInt8] = [0xAA]  // appended, not replaced
        WebSocketFrame.appendFrame(opcode: .text, payloadLength: length, to: &buffer) { $0.append(contentsOf: payload) }
        #expect(buffer == [0xAA] + WebSocketFrame(opcode: .text, payload: payload).serialized())
    }

    @Test func controlBuildersStayWithin125Bytes() throws {
        var buffer = [UInt8]()
        WebSocketFrame.appendPing([UInt8](repeating: 1, count: 200), to: &buffer)
        #expect(buffer.count == 2 + 125)
        buffer = []
        WebSocketFrame.appendClose(code: 1000, reason: String(repeating: "é", count: 100), to: &buffer)
        // 2 header + 2 code + 122 bytes (61 two-byte "é", cut at a code point boundary).
        #expect(buffer.count == 2 + 2 + 122)
        var parser = WebSocketMessageParser(role: .client)
        parser.append(buffer)
        #expect(try parser.nextMessage() == .close(code: 1000, reason: String(repeating: "é", count: 61)))
    }

    @Test func masksEveryPayloadOffset() {
        // Lengths 0...9 cover the 4-byte fast loop and every tail length.
        for length in 0..<10 {
            let payload = [UInt8](repeating: 0, count: length)
            let wire = WebSocketFrame(opcode: .binary, payload: payload).serialized(maskingKey: [1, 2, 3, 4])
            let masked = Array(wire.dropFirst(6))
            #expect(masked == (0..<length).map { UInt8($0 % 4 + 1) })
        }
    }

    @Test func makesMaskingKeysFromTheGenerator() {
        var generator = WebSocketTestGenerator()
        #expect(WebSocketFrame.makeMaskingKey(using: &generator).count == 4)
        #expect(WebSocketFrame.makeMaskingKey(using: &generator) != WebSocketFrame.makeMaskingKey(using: &generator))
    }
}

/// A deterministic generator for tests: a SplitMix64 sequence.
struct WebSocketTestGenerator: RandomNumberGenerator {
    var state: UInt64 = 0x1234_5678
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
